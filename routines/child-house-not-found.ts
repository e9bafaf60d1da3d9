import { HOUSE_RETRY_INSTRUCTIONS, houseInWords, parseHouseRetry } from './address-choice.ts';
import { defineRoutine } from './define-routine.ts';
import { Draft } from './draft.ts';
import { mapParsed } from './parsers/result.ts';

export const childHouseNotFound = defineRoutine({
  number: 19,
  why: "The league records each player's home address.",
  ask: ({ draft }) =>
    `I couldn't find ${houseInWords(draft.childHouseNumber ?? 'that house')} in ${draft.childPostcode ?? 'that postcode'} — is the number right, or shall we type the address? Send me the right house number or name, or say "type it".`,
  instructions: HOUSE_RETRY_INSTRUCTIONS,
  extracts: Draft.pick({ childHouseRetry: true }),
  parse: (text) => mapParsed(parseHouseRetry(text), (childHouseRetry) => ({ childHouseRetry })),
  tools: [],
  examples: [
    { says: 'oops, 41', answer: { childHouseRetry: '41' } },
    { says: 'yes', answer: { childHouseRetry: null } },
    { says: 'type it', answer: { childHouseRetry: null } },
    { says: '', answer: null },
  ],
});
