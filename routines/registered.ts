import { z } from 'zod';
import { defineRoutine, childName } from './define-routine.ts';
import { fail } from './parsers/result.ts';

export const registered = defineRoutine({
  number: 35,
  why: "There's nothing more I need for this registration: the club only uses what you've told me to run your child's football.",
  ask: (view) =>
    `That's everything: ${childName(view)}'s registration is complete once the payment link is used. You'll get a confirmation text when it's done. If you have another child to register, just send me their code.`,
  instructions: [
    'The registration is finished. Answer follow-up questions from the club information.',
    'A new registration code starts another registration; nothing else changes the stored record.',
  ],
  extracts: z.object({}),
  parse: () => fail(''),
  tools: [],
  examples: [{ says: 'thanks!', answer: null }],
});
