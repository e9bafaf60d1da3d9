import { defineRoutine, childName, PLAIN_FIELD } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseEmail } from './parsers/email.ts';
import { mapParsed } from './parsers/result.ts';

export const playerEmail = defineRoutine({
  number: 24,
  why: "From 16 the league contacts players directly, so it needs the player's own e-mail, not yours.",
  ask: (view) => `And ${childName(view)}'s own e-mail address?`,
  instructions: [
    "Read the player's own e-mail address in lower case.",
    "It must be different from the parent's e-mail; if it is the same, return no answer and say so.",
  ],
  extracts: Draft.pick({ playerEmail: true }),
  parse: (text) => mapParsed(parseEmail(text), (playerEmail) => ({ playerEmail })),
  check: ({ playerEmail }, { draft }) =>
    playerEmail === draft.parentEmail
      ? "That's the same as your e-mail. We need the player's own address."
      : null,
  mentions: ['his email', 'her email', "player's email", 'their email'],
  corrections: PLAIN_FIELD,
  tools: [],
  examples: [
    { says: 'Sam.J@example.com', answer: { playerEmail: 'sam.j@example.com' } },
    { says: 'none', answer: null },
  ],
});
