import { formatAddress } from './address-text.ts';
import { defineRoutine, childName } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseYesNo } from './parsers/yes-no.ts';
import { mapParsed } from './parsers/result.ts';

export const confirmChildAddress = defineRoutine({
  number: 21,
  why: 'A wrong address means letters go astray, so I check the one I found before keeping it.',
  ask: (view) =>
    `Is this where ${childName(view)} lives?\n\n**${view.draft.childAddress ? formatAddress(view.draft.childAddress) : ''}**`,
  instructions: ["Read whether the parent confirms the child's address shown: yes or no."],
  extracts: Draft.pick({ childAddressConfirmed: true }),
  parse: (text) =>
    mapParsed(parseYesNo(text), (childAddressConfirmed) => ({ childAddressConfirmed })),
  tools: [],
  examples: [
    { says: 'yep', answer: { childAddressConfirmed: true } },
    { says: 'nope', answer: { childAddressConfirmed: false } },
    { says: 'sort of', answer: null },
  ],
});
