import { childName, defineRoutine } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseYesNo } from './parsers/yes-no.ts';
import { mapParsed } from './parsers/result.ts';

/** Returning players (104): the medical details the club holds; a change asks routine 5 again. */
export const heldMedical = defineRoutine({
  number: 104,
  why: 'So the coaches know what to do if the player is unwell at training or a match, and can keep them safe.',
  ask: (view) => {
    const { draft } = view;
    const held = draft.hasMedicalIssues
      ? [draft.medicalIssues ?? 'Yes', draft.medicalNotes && `(${draft.medicalNotes})`]
          .filter(Boolean)
          .join(' ')
      : 'none';
    return `Medical issues we have for ${childName(view)}: **${held}**. Is that still right?`;
  },
  instructions: ['Read whether the medical details shown are still right: yes or no.'],
  extracts: Draft.pick({ heldMedicalCurrent: true }),
  parse: (text) => mapParsed(parseYesNo(text), (heldMedicalCurrent) => ({ heldMedicalCurrent })),
  tools: [],
  examples: [
    { says: 'yes', answer: { heldMedicalCurrent: true } },
    { says: 'no', answer: { heldMedicalCurrent: false } },
    { says: 'dunno', answer: null },
  ],
});
