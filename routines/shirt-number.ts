import { defineRoutine, childName } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseShirtNumber } from './parsers/shirt.ts';
import { mapParsed } from './parsers/result.ts';

export const shirtNumber = defineRoutine({
  number: 33,
  why: 'Each player in a team has their own shirt number, printed on the kit and used on the team sheet.',
  ask: (view) => {
    const { min, max, goalkeeper } = view.club.shirtNumbers;
    return `Which shirt number would ${childName(view)} like, from ${min} to ${max}? (Goalkeepers take ${goalkeeper.join(' or ')}.)`;
  },
  instructions: [
    'Read the shirt number the parent asks for, as a whole number within the range in the question.',
    'Whether the number is free is decided by the club system, not by you.',
  ],
  extracts: Draft.pick({ shirtNumber: true }),
  parse: (text, { club }) =>
    mapParsed(parseShirtNumber(text, club.shirtNumbers), (number) => ({ shirtNumber: number })),
  check: ({ shirtNumber: number }, { club }) =>
    number < club.shirtNumbers.min || number > club.shirtNumbers.max
      ? `Please choose a number from ${club.shirtNumbers.min} to ${club.shirtNumbers.max}.`
      : null,
  mentions: ['shirt number'],
  tools: [],
  examples: [
    { says: 'number 7', answer: { shirtNumber: 7 } },
    { says: 'twelve', answer: { shirtNumber: 12 } },
    { says: '99', answer: null },
  ],
});
