import { formatAddress } from './address-text.ts';
import { defineRoutine } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseYesNo } from './parsers/yes-no.ts';
import { mapParsed } from './parsers/result.ts';

export const confirmParentAddress = defineRoutine({
  number: 15,
  why: 'A wrong address means letters go astray, so I check the one I found before keeping it.',
  ask: ({ draft }) =>
    `Is this your address?\n\n**${draft.parentAddress ? formatAddress(draft.parentAddress) : ''}**`,
  instructions: ['Read whether the parent confirms the address shown: yes or no.'],
  extracts: Draft.pick({ parentAddressConfirmed: true }),
  parentDetail: true,
  parse: (text) =>
    mapParsed(parseYesNo(text), (parentAddressConfirmed) => ({ parentAddressConfirmed })),
  tools: [],
  examples: [
    { says: 'yes thats it', answer: { parentAddressConfirmed: true } },
    { says: 'no', answer: { parentAddressConfirmed: false } },
    { says: 'kind of', answer: null },
  ],
});
