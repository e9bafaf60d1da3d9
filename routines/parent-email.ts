import { defineRoutine, PLAIN_FIELD } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseEmail } from './parsers/email.ts';
import { mapParsed } from './parsers/result.ts';

export const parentEmail = defineRoutine({
  number: 9,
  why: 'The club sends your confirmation and season updates by e-mail, and the team manager uses it for fixtures.',
  ask: () => "What's your e-mail address?",
  instructions: ["Read the parent's e-mail address and return it in lower case."],
  extracts: Draft.pick({ parentEmail: true }),
  required: ['parentEmail'],
  parentDetail: true,
  parse: (text) => mapParsed(parseEmail(text), (parentEmail) => ({ parentEmail })),
  mentions: ['my email', 'my e-mail', 'email', 'e-mail'],
  corrections: PLAIN_FIELD,
  tools: [],
  examples: [
    { says: 'Sarah.Jones@Example.com', answer: { parentEmail: 'sarah.jones@example.com' } },
    { says: 'sarah at example dot com', answer: { parentEmail: 'sarah@example.com' } },
    { says: 'sarah.jones@gmail', answer: null },
  ],
});
