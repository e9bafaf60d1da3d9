import { formatAddress } from './address-text.ts';
import { childName, defineRoutine } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseYesNo } from './parsers/yes-no.ts';
import { mapParsed } from './parsers/result.ts';

/** Returning players (103): the address the club holds; a move asks the address steps again. */
export const heldAddress = defineRoutine({
  number: 103,
  why: "So the club's records, and anything posted to you, go to where the player lives now.",
  ask: (view) => {
    const { draft } = view;
    const lines = [
      `- **Your address:** ${draft.parentAddress ? formatAddress(draft.parentAddress) : ''}`,
    ];
    lines.push(
      draft.childLivesWithParent === false && draft.childAddress
        ? `- **${childName(view)}'s address:** ${formatAddress(draft.childAddress)}`
        : `- **${childName(view)} lives:** at the same address`,
    );
    return ['The address we have:', ...lines, 'Is that still right?'].join('\n');
  },
  instructions: ['Read whether the address shown is still right: yes or no (moved).'],
  extracts: Draft.pick({ heldAddressCurrent: true }),
  parse: (text) => mapParsed(parseYesNo(text), (heldAddressCurrent) => ({ heldAddressCurrent })),
  tools: [],
  examples: [
    { says: 'yes same address', answer: { heldAddressCurrent: true } },
    { says: 'no', answer: { heldAddressCurrent: false } },
    { says: 'maybe', answer: null },
  ],
});
