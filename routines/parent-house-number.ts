import { defineRoutine } from './define-routine.ts';
import { Draft } from './draft.ts';
import { mapParsed } from './parsers/result.ts';
import { HOUSE_INSTRUCTIONS, parseHouseNumber } from './address-text.ts';

export const parentHouseNumber = defineRoutine({
  number: 13,
  why: "With your postcode it finds your full address, so you don't have to type it.",
  ask: () => 'And your house number or name?',
  instructions: HOUSE_INSTRUCTIONS,
  extracts: Draft.pick({ parentHouseNumber: true }),
  parentDetail: true,
  parse: (text) =>
    mapParsed(parseHouseNumber(text), (parentHouseNumber) => ({ parentHouseNumber })),
  tools: [],
  examples: [
    { says: '12a', answer: { parentHouseNumber: '12a' } },
    { says: 'Flat 2', answer: { parentHouseNumber: 'Flat 2' } },
    { says: 'number 7', answer: { parentHouseNumber: '7' } },
    { says: '', answer: null },
  ],
});
