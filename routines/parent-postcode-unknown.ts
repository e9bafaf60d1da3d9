import { POSTCODE_RETRY_INSTRUCTIONS, parsePostcodeRetry } from './address-choice.ts';
import { defineRoutine } from './define-routine.ts';
import { Draft } from './draft.ts';
import { mapParsed } from './parsers/result.ts';

export const parentPostcodeUnknown = defineRoutine({
  number: 13,
  why: 'The league needs your home address for its records, and the club uses it for anything it has to post.',
  ask: ({ draft }) =>
    `I couldn't find the postcode ${draft.parentPostcode ?? 'you gave'} — is it right, or shall we type the address? Send me the right postcode, or say "type it".`,
  instructions: POSTCODE_RETRY_INSTRUCTIONS,
  extracts: Draft.pick({ parentPostcodeRetry: true }),
  parse: (text) =>
    mapParsed(parsePostcodeRetry(text), (parentPostcodeRetry) => ({ parentPostcodeRetry })),
  tools: [],
  examples: [
    { says: 'sorry it should be m41 0aa', answer: { parentPostcodeRetry: 'M41 0AA' } },
    { says: "yes it's correct", answer: { parentPostcodeRetry: null } },
    { says: "I'll type it", answer: { parentPostcodeRetry: null } },
    { says: 'Urmston', answer: null },
  ],
});
