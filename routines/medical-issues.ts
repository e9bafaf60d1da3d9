import { defineRoutine, childName, AT_SUMMARY } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseMedicalIssues } from './parsers/medical.ts';
import { mapParsed } from './parsers/result.ts';

export const medicalIssues = defineRoutine({
  number: 5,
  why: "So the coaches know how to keep your child safe at training and matches, e.g. where an inhaler is. Only the team's coaches see it.",
  ask: (view) =>
    `Does ${childName(view)} have any medical issues or allergies the coaches should know about?`,
  instructions: [
    'Read whether the child has medical issues, and if so which ones as a clean comma-separated list.',
    'Drop words such as "has" or "suffers from" and capitalise each item: "Asthma, Hay fever".',
    'A bare "yes" with no details is unclear: return no answer so that the details are asked for.',
  ],
  extracts: Draft.pick({ hasMedicalIssues: true, medicalIssues: true }),
  required: ['hasMedicalIssues'],
  parse: (text) =>
    mapParsed(parseMedicalIssues(text), ({ hasIssues, details }) => ({
      hasMedicalIssues: hasIssues,
      medicalIssues: hasIssues ? details : null,
    })),
  check: (answer) =>
    answer.hasMedicalIssues && !answer.medicalIssues ? 'What are the medical issues?' : null,
  mentions: ['medical', 'allergy', 'allergies', 'asthma', 'condition'],
  corrections: AT_SUMMARY,
  tools: [],
  examples: [
    { says: 'nope', answer: { hasMedicalIssues: false, medicalIssues: null } },
    {
      says: 'he has asthma and hay fever',
      answer: { hasMedicalIssues: true, medicalIssues: 'Asthma, Hay fever' },
    },
    { says: 'yes', answer: null },
  ],
});
