import { defineRoutine, AT_SUMMARY } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseFullName } from './parsers/names.ts';
import { mapParsed } from './parsers/result.ts';

const SAME_SURNAME =
  /[\s,(-]*\(?\s*(?:same\s+(?:surname|last\s+name|second\s+name)(?:\s+as\s+(?:me|mine|above))?|same\s+as\s+(?:me|mine|above))\s*\)?/i;

/** "Leo (same surname)": the parent's last name, once known, stands in for the words. */
const withSameSurname = (text: string, parentLastName: string | undefined) =>
  parentLastName && SAME_SURNAME.test(text)
    ? `${text.replace(SAME_SURNAME, '').trim()} ${parentLastName}`
    : text;

export const childName = defineRoutine({
  number: 2,
  why: 'The league registers each player by their full name: it goes on their player ID card.',
  ask: ({ draft }) =>
    `Thanks${draft.parentFirstName ? `, ${draft.parentFirstName}` : ''}! What's your child's full name?`,
  instructions: [
    "Read the child's first and last name, with the same rules as the parent's name.",
    'If only a first name is given, return no answer so that the last name is asked for.',
  ],
  extracts: Draft.pick({ childFirstName: true, childLastName: true }),
  required: ['childFirstName', 'childLastName'],
  parse: (text, { draft }) =>
    mapParsed(parseFullName(withSameSurname(text, draft.parentLastName)), ({ first, last }) => ({
      childFirstName: first,
      childLastName: last,
    })),
  mentions: ["child's name", 'his name', 'her name', 'their name'],
  corrections: AT_SUMMARY,
  tools: [],
  examples: [
    { says: 'Leo Jones', answer: { childFirstName: 'Leo', childLastName: 'Jones' } },
    {
      says: 'his name is Oisín Mac Giolla',
      answer: { childFirstName: 'Oisín', childLastName: 'Mac Giolla' },
    },
    { says: 'Leo', answer: null },
  ],
});
