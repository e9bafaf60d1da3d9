import { defineRoutine, AT_SUMMARY } from './define-routine.ts';
import { Draft } from './draft.ts';
import { mapParsed } from './parsers/result.ts';
import { TYPED_ADDRESS_INSTRUCTIONS, parseTypedAddress } from './address-text.ts';
import { addressLookupTool } from '../tools/address-lookup/address-lookup.ts';

export const parentAddressTyped = defineRoutine({
  number: 14,
  why: 'The league needs your home address for its records, and the club uses it for anything it has to post.',
  ask: () =>
    'Please type your full address, with commas between the parts, e.g. "12 Acacia Avenue, Urmston, Manchester, M41 0AA".',
  instructions: TYPED_ADDRESS_INSTRUCTIONS,
  extracts: Draft.pick({ parentAddress: true }),
  required: ['parentAddress'],
  parentDetail: true,
  parse: (text) => mapParsed(parseTypedAddress(text), (parentAddress) => ({ parentAddress })),
  mentions: ['my address', 'address'],
  corrections: AT_SUMMARY,
  tools: [addressLookupTool],
  examples: [
    {
      says: '12 Acacia Avenue, Urmston, Manchester, M41 0AA',
      answer: {
        parentAddress: {
          houseNumber: '12',
          line1: '12 Acacia Avenue',
          town: 'Urmston',
          city: 'Manchester',
          postcode: 'M41 0AA',
        },
      },
    },
    { says: 'the house by the park', answer: null },
  ],
});
