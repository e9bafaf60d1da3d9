import { defineRoutine, PLAIN_FIELD } from './define-routine.ts';
import { Draft } from './draft.ts';
import { ageOn, parseDate } from './parsers/dates.ts';
import { mapParsed } from './parsers/result.ts';

const YOUNGEST_PARENT_AGE = 16;

export const parentDateOfBirth = defineRoutine({
  number: 11,
  why: "The league's registration and the Direct Debit need an adult (18 or over) as the contact and payer; your date of birth shows that.",
  ask: () => "And what's your own date of birth?",
  instructions: [
    "Read the parent's date of birth, UK day first, and return it as YYYY-MM-DD.",
    'If the date is impossible, ambiguous or has no year, return no answer.',
  ],
  extracts: Draft.pick({ parentDateOfBirth: true }),
  required: ['parentDateOfBirth'],
  parentDetail: true,
  parse: (text, { today }) =>
    mapParsed(parseDate(text, today), (parentDateOfBirth) => ({ parentDateOfBirth })),
  check: ({ parentDateOfBirth }, { today }) => {
    if (parentDateOfBirth < '1900-01-01') return 'Please check the year: that date is before 1900.';
    if (ageOn(parentDateOfBirth, today) < YOUNGEST_PARENT_AGE) {
      return "That looks like a child's date of birth. Please give your own (the parent's or guardian's).";
    }
    return null;
  },
  mentions: ['my date of birth', 'my birthday', 'my dob'],
  corrections: PLAIN_FIELD,
  tools: [],
  examples: [
    { says: '14/07/1985', answer: { parentDateOfBirth: '1985-07-14' } },
    { says: '14th July 1985', answer: { parentDateOfBirth: '1985-07-14' } },
    { says: 'July 1985', answer: null },
  ],
});
