import { defineRoutine, childName } from './define-routine.ts';
import { Draft } from './draft.ts';
import { fail, ok } from './parsers/result.ts';

/** One practical follow-up for a serious condition; never more. */
export const medicalNotes = defineRoutine({
  number: 5,
  why: "For a serious condition the coaches need to know what to do in an emergency. Only the team's coaches see it.",
  ask: (view) =>
    `Thanks. Is there anything the coaches need to know to keep ${childName(view)} safe, for example where an inhaler or EpiPen is kept?`,
  instructions: [
    'Take the practical notes for a serious condition as one short plain sentence.',
    'If the parent says there is nothing to add, return null notes. Do not ask further questions.',
  ],
  extracts: Draft.pick({ medicalNotes: true }),
  parse: (text) => {
    const notes = text.normalize('NFKC').replace(/\s+/g, ' ').trim();
    if (notes.length === 0)
      return fail('Please tell me anything the coaches should know, or say "nothing".');
    if (notes.length > 500)
      return fail('Please keep it short: the coaches need the key points only.');
    return ok({
      medicalNotes: /^(no|nothing|none|nope|n\/a|no thanks?)\b/i.test(notes) ? null : notes,
    });
  },
  tools: [],
  examples: [
    { says: 'inhaler is in his kit bag', answer: { medicalNotes: 'inhaler is in his kit bag' } },
    { says: 'nothing else', answer: { medicalNotes: null } },
    { says: ' ', answer: null },
  ],
});
