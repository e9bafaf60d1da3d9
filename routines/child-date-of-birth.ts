import { defineRoutine, childName, AT_SUMMARY } from './define-routine.ts';
import { Draft } from './draft.ts';
import { isBefore, parseDate } from './parsers/dates.ts';
import { mapParsed } from './parsers/result.ts';

export const childDateOfBirth = defineRoutine({
  number: 3,
  why: "The league places each child in an age group by date of birth (the FA cut-off is 31 August), so we check they're in the right team.",
  ask: (view) => `What's ${childName(view)}'s date of birth?`,
  instructions: [
    "Read the child's date of birth. UK dates are day first: 03/02/2016 is 3 February 2016.",
    'Return it as YYYY-MM-DD. If the date is impossible, ambiguous or has no year, return no answer.',
  ],
  extracts: Draft.pick({ childDateOfBirth: true }),
  required: ['childDateOfBirth'],
  parse: (text, { today }) =>
    mapParsed(parseDate(text, today), (childDateOfBirth) => ({ childDateOfBirth })),
  check: ({ childDateOfBirth }, { today, club }) => {
    if (!isBefore(childDateOfBirth, today))
      return "That date hasn't happened yet. Please check it.";
    if (Number(childDateOfBirth.slice(0, 4)) < club.minimumBirthYear) {
      return `Junior players must be born in ${club.minimumBirthYear} or later. Please check the date.`;
    }
    return null;
  },
  mentions: ['date of birth', 'birthday', 'dob', 'born'],
  corrections: AT_SUMMARY,
  tools: [],
  examples: [
    { says: '3rd feb 2016', answer: { childDateOfBirth: '2016-02-03' } },
    { says: '03/02/16', answer: { childDateOfBirth: '2016-02-03' } },
    { says: '2016-02-03', answer: { childDateOfBirth: '2016-02-03' } },
    { says: '31/02/2016', answer: null },
    { says: 'he is 9', answer: null },
  ],
});
