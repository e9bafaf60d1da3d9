import { defineRoutine } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseYesNo } from './parsers/yes-no.ts';
import { mapParsed } from './parsers/result.ts';
import { summarise } from './summary.ts';

export const confirmDetails = defineRoutine({
  number: 28,
  why: 'So you can check everything before the registration is saved and the payment is set up.',
  ask: (view) =>
    `Here's everything I have:\n\n${summarise(view) || '- (nothing yet)'}\n\nIs all of that correct? If not, tell me what to change (e.g. "my email is ...").`,
  instructions: [
    'The parent checks the summary. Yes means everything is correct.',
    'If they want to change something, do not return an answer here: the correction is read separately.',
  ],
  extracts: Draft.pick({ detailsConfirmed: true }),
  parse: (text) => mapParsed(parseYesNo(text), (detailsConfirmed) => ({ detailsConfirmed })),
  tools: [],
  examples: [
    { says: 'yes all correct', answer: { detailsConfirmed: true } },
    { says: 'no', answer: { detailsConfirmed: false } },
    { says: 'erm', answer: null },
  ],
});
