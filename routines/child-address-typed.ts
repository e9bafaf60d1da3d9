import { defineRoutine, childName, AT_SUMMARY } from './define-routine.ts';
import { Draft } from './draft.ts';
import { mapParsed } from './parsers/result.ts';
import { TYPED_ADDRESS_INSTRUCTIONS, parseTypedAddress } from './address-text.ts';
import { addressLookupTool } from '../tools/address-lookup/address-lookup.ts';

export const childAddressTyped = defineRoutine({
  number: 20,
  why: "The league records each player's home address.",
  ask: (view) =>
    `Please type ${childName(view)}'s full address, with commas between the parts, e.g. "4 Flixton Road, Flixton, Manchester, M41 5AB".`,
  instructions: TYPED_ADDRESS_INSTRUCTIONS,
  extracts: Draft.pick({ childAddress: true }),
  parse: (text) => mapParsed(parseTypedAddress(text), (childAddress) => ({ childAddress })),
  mentions: ["child's address", 'his address', 'her address'],
  corrections: AT_SUMMARY,
  tools: [addressLookupTool],
  examples: [
    {
      says: '4 Flixton Road\nFlixton\nManchester\nM41 5AB',
      answer: {
        childAddress: {
          houseNumber: '4',
          line1: '4 Flixton Road',
          town: 'Flixton',
          city: 'Manchester',
          postcode: 'M41 5AB',
        },
      },
    },
    { says: 'with his dad', answer: null },
  ],
});
