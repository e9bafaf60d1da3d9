import { defineRoutine, childName, PLAIN_FIELD } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseGender } from './parsers/gender.ts';
import { mapParsed } from './parsers/result.ts';

export const childGender = defineRoutine({
  number: 4,
  why: "The league asks for each player's gender for its records and for girls' and mixed competitions. You can say you'd rather not say.",
  ask: (view) => `Is ${childName(view)} a boy or a girl? (You can also say you'd rather not say.)`,
  instructions: [
    'Read the child\'s gender as "Male", "Female" or "Not Disclosed".',
    'boy/son/lad is Male; girl/daughter is Female; "prefer not to say" or anything else given is Not Disclosed.',
  ],
  extracts: Draft.pick({ childGender: true }),
  required: ['childGender'],
  parse: (text) => mapParsed(parseGender(text), (childGender) => ({ childGender })),
  mentions: ['gender', 'boy', 'girl'],
  corrections: PLAIN_FIELD,
  tools: [],
  examples: [
    { says: 'boy', answer: { childGender: 'Male' } },
    { says: "she's a girl", answer: { childGender: 'Female' } },
    { says: 'prefer not to say', answer: { childGender: 'Not Disclosed' } },
    { says: 'blue', answer: null },
  ],
});
