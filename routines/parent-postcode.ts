import { defineRoutine, AT_SUMMARY } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseUkPostcode } from './parsers/postcodes.ts';
import { mapParsed } from './parsers/result.ts';
import { POSTCODE_INSTRUCTIONS } from './address-text.ts';

export const parentPostcode = defineRoutine({
  number: 12,
  why: 'The league needs your home address for its records, and the club uses it for anything it has to post.',
  ask: () => "What's your postcode?",
  instructions: POSTCODE_INSTRUCTIONS,
  extracts: Draft.pick({ parentPostcode: true }),
  parentDetail: true,
  parse: (text) => mapParsed(parseUkPostcode(text), (parentPostcode) => ({ parentPostcode })),
  mentions: ['my postcode', 'postcode', 'post code'],
  corrections: AT_SUMMARY,
  tools: [],
  examples: [
    { says: 'm32 8jl', answer: { parentPostcode: 'M32 8JL' } },
    { says: "it's M41 0AA thanks", answer: { parentPostcode: 'M41 0AA' } },
    { says: 'Urmston', answer: null },
  ],
});
