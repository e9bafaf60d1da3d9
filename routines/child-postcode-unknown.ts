import { POSTCODE_RETRY_INSTRUCTIONS, parsePostcodeRetry } from './address-choice.ts';
import { defineRoutine } from './define-routine.ts';
import { Draft } from './draft.ts';
import { mapParsed } from './parsers/result.ts';

export const childPostcodeUnknown = defineRoutine({
  number: 19,
  why: "The league records each player's home address.",
  ask: ({ draft }) =>
    `I couldn't find the postcode ${draft.childPostcode ?? 'you gave'} — is it right, or shall we type the address? Send me the right postcode, or say "type it".`,
  instructions: POSTCODE_RETRY_INSTRUCTIONS,
  extracts: Draft.pick({ childPostcodeRetry: true }),
  parse: (text) =>
    mapParsed(parsePostcodeRetry(text), (childPostcodeRetry) => ({ childPostcodeRetry })),
  tools: [],
  examples: [
    { says: 'M32 8JL', answer: { childPostcodeRetry: 'M32 8JL' } },
    { says: 'type it please', answer: { childPostcodeRetry: null } },
    { says: 'dunno', answer: null },
  ],
});
