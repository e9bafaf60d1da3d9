import { defineRoutine, PLAIN_FIELD } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseFullName } from './parsers/names.ts';
import { mapParsed } from './parsers/result.ts';

export const parentName = defineRoutine({
  number: 1,
  why: 'The club records who registered each player, so a volunteer knows who to contact about them.',
  ask: () => "What's your full name (first and last)?",
  instructions: [
    "Read the parent's own first and last name.",
    'Letters of any alphabet, apostrophes and hyphens are fine; change curly apostrophes to straight ones.',
    'The first word is the first name; every other word is the last name.',
    'If only one name, initials, or something that is not a name is given, return no answer.',
  ],
  extracts: Draft.pick({ parentFirstName: true, parentLastName: true }),
  required: ['parentFirstName', 'parentLastName'],
  parentDetail: true,
  parse: (text) =>
    mapParsed(parseFullName(text), ({ first, last }) => ({
      parentFirstName: first,
      parentLastName: last,
    })),
  mentions: ['my name', 'your name', 'parent name', 'surname'],
  corrections: PLAIN_FIELD,
  tools: [],
  examples: [
    { says: 'Sarah Jones', answer: { parentFirstName: 'Sarah', parentLastName: 'Jones' } },
    {
      says: "it's siobhan o’brien",
      answer: { parentFirstName: 'Siobhan', parentLastName: "O'Brien" },
    },
    { says: 'Zoë Smith-Jones', answer: { parentFirstName: 'Zoë', parentLastName: 'Smith-Jones' } },
    { says: 'Dave', answer: null },
  ],
});
