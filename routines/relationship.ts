import { defineRoutine, childName, PLAIN_FIELD } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseRelationship } from './parsers/relationship.ts';
import { mapParsed } from './parsers/result.ts';

export const relationship = defineRoutine({
  number: 7,
  why: "The club records who each player's contact is to them, for safeguarding: coaches only release a child to someone the club knows about.",
  ask: (view) => `What's your relationship to ${childName(view)}? (Mum, dad, guardian...)`,
  instructions: [
    'Read the relationship as one of "Mother", "Father", "Guardian" or "Other".',
    'mum/mam/mom is Mother; dad is Father; a legal guardian or carer is Guardian; grandparents and others are Other.',
  ],
  extracts: Draft.pick({ relationship: true }),
  required: ['relationship'],
  parse: (text) => mapParsed(parseRelationship(text), (value) => ({ relationship: value })),
  mentions: ['relationship'],
  corrections: PLAIN_FIELD,
  tools: [],
  examples: [
    { says: "I'm his mum", answer: { relationship: 'Mother' } },
    { says: 'dad', answer: { relationship: 'Father' } },
    { says: 'grandad', answer: { relationship: 'Other' } },
    { says: 'the coach', answer: null },
  ],
});
