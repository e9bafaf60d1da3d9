import { defineRoutine } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseYesNo } from './parsers/yes-no.ts';
import { mapParsed } from './parsers/result.ts';

/**
 * Returning players (105): the club has no record matching the code. Nothing about any other child
 * is said; the parent may register the child as a new player in the code's team instead.
 */
export const registerAsNew = defineRoutine({
  number: 105,
  why: "Without last season's registration I can't carry anything over, but I can register the player as new with the same team.",
  ask: ({ club }) =>
    `Would you like to register your child as a new player in that team instead? (Or e-mail ${club.adminEmail} if you think we should have them on file.)`,
  instructions: ['Read whether the parent wants to register the child as a new player: yes or no.'],
  extracts: Draft.pick({ registerAsNew: true }),
  parse: (text) => mapParsed(parseYesNo(text), (registerAsNew) => ({ registerAsNew })),
  tools: [],
  examples: [
    { says: 'yes please', answer: { registerAsNew: true } },
    { says: 'no thanks', answer: { registerAsNew: false } },
    { says: 'why', answer: null },
  ],
});
