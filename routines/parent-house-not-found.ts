import { HOUSE_RETRY_INSTRUCTIONS, houseInWords, parseHouseRetry } from './address-choice.ts';
import { defineRoutine } from './define-routine.ts';
import { Draft } from './draft.ts';
import { mapParsed } from './parsers/result.ts';

export const parentHouseNotFound = defineRoutine({
  number: 13,
  why: 'The league needs your home address for its records, and the club uses it for anything it has to post.',
  ask: ({ draft }) =>
    `I couldn't find ${houseInWords(draft.parentHouseNumber ?? 'that house')} in ${draft.parentPostcode ?? 'your postcode'} — is the number right, or shall we type the address? Send me the right house number or name, or say "type it".`,
  instructions: HOUSE_RETRY_INSTRUCTIONS,
  extracts: Draft.pick({ parentHouseRetry: true }),
  parse: (text) => mapParsed(parseHouseRetry(text), (parentHouseRetry) => ({ parentHouseRetry })),
  tools: [],
  examples: [
    { says: "sorry, it's 14", answer: { parentHouseRetry: '14' } },
    { says: 'Flat 2, 12', answer: { parentHouseRetry: 'Flat 2, 12' } },
    { says: "yes that's right", answer: { parentHouseRetry: null } },
    { says: "let's type it", answer: { parentHouseRetry: null } },
    { says: '', answer: null },
  ],
});
