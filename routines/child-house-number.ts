import { defineRoutine, childName } from './define-routine.ts';
import { Draft } from './draft.ts';
import { mapParsed } from './parsers/result.ts';
import { HOUSE_INSTRUCTIONS, parseHouseNumber } from './address-text.ts';

export const childHouseNumber = defineRoutine({
  number: 19,
  why: "With the postcode it finds your child's full address, so you don't have to type it.",
  ask: (view) => `And the house number or name where ${childName(view)} lives?`,
  instructions: HOUSE_INSTRUCTIONS,
  extracts: Draft.pick({ childHouseNumber: true }),
  parse: (text) => mapParsed(parseHouseNumber(text), (childHouseNumber) => ({ childHouseNumber })),
  tools: [],
  examples: [
    { says: '4', answer: { childHouseNumber: '4' } },
    { says: 'Rose Cottage', answer: { childHouseNumber: 'Rose Cottage' } },
    { says: '', answer: null },
  ],
});
