import { defineRoutine, childName, AT_SUMMARY } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseUkPostcode } from './parsers/postcodes.ts';
import { mapParsed } from './parsers/result.ts';
import { POSTCODE_INSTRUCTIONS } from './address-text.ts';

export const childPostcode = defineRoutine({
  number: 18,
  why: "The league records each player's home address.",
  ask: (view) => `What's the postcode where ${childName(view)} lives?`,
  instructions: POSTCODE_INSTRUCTIONS,
  extracts: Draft.pick({ childPostcode: true }),
  parse: (text) => mapParsed(parseUkPostcode(text), (childPostcode) => ({ childPostcode })),
  corrections: AT_SUMMARY,
  tools: [],
  examples: [
    { says: 'M41 5AB', answer: { childPostcode: 'M41 5AB' } },
    { says: 'same as his dad', answer: null },
  ],
});
