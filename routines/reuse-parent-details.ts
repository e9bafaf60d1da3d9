import { defineRoutine } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseYesNo } from './parsers/yes-no.ts';
import { mapParsed } from './parsers/result.ts';

/** Offered when a second child is registered in the same session. */
export const reuseParentDetails = defineRoutine({
  number: 1,
  why: 'It saves you typing your details again: your name, mobile, e-mail and address from the last registration are used for this child too.',
  ask: ({ draft, previousParent }) => {
    const known = previousParent ?? draft;
    const name = [known.parentFirstName, known.parentLastName].filter(Boolean).join(' ');
    const details = name ? `${name}, your mobile` : 'your name, mobile';
    return `Shall I use the same details for you as last time (${details}, e-mail and address)?`;
  },
  instructions: [
    'The parent is registering another child. Decide whether they want to reuse their own details.',
    'Yes means reuse; no means they will type them again.',
  ],
  extracts: Draft.pick({ reuseParentDetails: true }),
  parse: (text) => mapParsed(parseYesNo(text), (reuseParentDetails) => ({ reuseParentDetails })),
  tools: [],
  examples: [
    { says: 'yes please', answer: { reuseParentDetails: true } },
    { says: 'no, my number has changed', answer: { reuseParentDetails: false } },
    { says: 'hmm', answer: null },
  ],
});
