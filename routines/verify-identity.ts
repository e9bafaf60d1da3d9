import { defineRoutine } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseDate } from './parsers/dates.ts';
import { parseUkMobile } from './parsers/phones.ts';
import { fail, ok } from './parsers/result.ts';

/**
 * Returning players (101): before anything the club holds is shown, the parent gives something
 * only the family knows, compared with last season's record. Either answer is accepted.
 */
export const verifyIdentity = defineRoutine({
  number: 101,
  why: "Only the family knows this: it makes sure I show last season's details to the player's family and nobody else.",
  ask: () =>
    "Before I show you anything we hold, I need to check it's you. What's the mobile number we have for you, or your child's date of birth?",
  instructions: [
    "Read either the parent's UK mobile number (return it as 11 digits starting 07) or the child's date of birth (UK dates are day first; return YYYY-MM-DD).",
    'If it is neither, return no answer.',
  ],
  extracts: Draft.pick({ identityCheck: true }),
  parse: (text, { today }) => {
    const mobile = parseUkMobile(text);
    if (mobile.ok) return ok({ identityCheck: mobile.value });
    const date = parseDate(text, today);
    if (date.ok) return ok({ identityCheck: date.value });
    return fail(
      "Sorry, I need either your mobile number (like 07700 900123) or your child's date of birth (like 14/03/2017).",
    );
  },
  tools: [],
  examples: [
    { says: '07700 900101', answer: { identityCheck: '07700900101' } },
    { says: '14/03/2017', answer: { identityCheck: '2017-03-14' } },
    { says: 'not sure', answer: null },
  ],
});
