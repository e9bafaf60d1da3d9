import { z } from 'zod';
import { defineRoutine, childName } from './define-routine.ts';
import { fail } from './parsers/result.ts';

/** Thanks and goodbyes, as parents type them at the end. */
const PLEASANTRY =
  /\b(thanks?|thank\s*(you|u)|thx|ty|ta|cheers|great|brilliant|perfect|lovely|amazing|awesome|cool|nice|ok(ay)?|bye|goodbye|cya)\b|👍|🙏|😊|🙂/iu;

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
  // Nothing is asked here any more: thanks get a kind word, anything else a reminder it is done.
  parse: (text, view) =>
    fail(
      PLEASANTRY.test(text)
        ? `You're welcome! Thanks for registering with ${view.club.shortName}.`
        : "Your registration is done, so there's nothing more I need from you here.",
    ),
  tools: [],
  examples: [
    { says: 'thanks!', answer: null },
    { says: 'ok great, bye', answer: null },
  ],
});
