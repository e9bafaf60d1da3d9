import { defineRoutine, childName, PLAIN_FIELD } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseEmail } from './parsers/email.ts';
import { saysHasNone } from './parsers/own-contact.ts';
import { ok } from './parsers/result.ts';

export const playerEmail = defineRoutine({
  number: 24,
  why: "From 16 the league contacts players directly, so it needs the player's own e-mail, not yours. If they haven't got one, just say so and the club will contact them through you.",
  ask: (view) =>
    `And ${childName(view)}'s own e-mail address? (If ${childName(view)} hasn't got one, just say so.)`,
  instructions: [
    "Read the player's own e-mail address in lower case, with playerHasNoEmail false.",
    'If the parent clearly says the player has no e-mail ("none", "she hasn\'t got one", "no email"), answer playerEmail null and playerHasNoEmail true.',
    'A question, a doubt or a deferral ("ask her", "not sure", "does she need one?") is no answer.',
    "It must be different from the parent's e-mail; if it is the same, return no answer and say so.",
  ],
  extracts: Draft.pick({ playerEmail: true, playerHasNoEmail: true }),
  parse: (text, view) => {
    if (saysHasNone(text, 'email')) return ok({ playerEmail: null, playerHasNoEmail: true });
    const parsed = parseEmail(text);
    if (parsed.ok) return ok({ playerEmail: parsed.value, playerHasNoEmail: false });
    return text.includes('@')
      ? parsed
      : {
          ok: false,
          reason: `${parsed.reason.replace(/\byour email address\b/, `${childName(view)}'s e-mail address`)} If ${childName(view)} hasn't got one, just say so.`,
        };
  },
  check: ({ playerEmail, playerHasNoEmail }, { draft }) => {
    if (playerHasNoEmail) return playerEmail === null ? null : 'Has the player got an e-mail?';
    if (playerEmail === null) return "What's the player's e-mail address?";
    return playerEmail === draft.parentEmail
      ? "That's the same as your e-mail. We need the player's own address (if they haven't got one, just say so)."
      : null;
  },
  mentions: ['his email', 'her email', "player's email", 'their email'],
  corrections: PLAIN_FIELD,
  tools: [],
  examples: [
    {
      says: 'Sam.J@example.com',
      answer: { playerEmail: 'sam.j@example.com', playerHasNoEmail: false },
    },
    { says: "she doesn't have an email", answer: { playerEmail: null, playerHasNoEmail: true } },
    { says: 'not sure', answer: null },
  ],
});
