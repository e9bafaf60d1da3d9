import { defineRoutine, childName } from './define-routine.ts';
import { Draft } from './draft.ts';
import { fail } from './parsers/result.ts';

/** The photo arrives as an upload, never as text; a typed reply is met with how to upload. */
export const photo = defineRoutine({
  number: 34,
  why: "The league asks for a passport-style photo of each player for their ID card. It's only used for that.",
  ask: (view) =>
    `Last step: please upload a passport-style photo of ${childName(view)} (face and shoulders, plain background) with the upload button beside the message box.`,
  instructions: [
    'The photo comes through the upload button. A typed reply cannot answer this step.',
  ],
  extracts: Draft.pick({ photoLink: true }),
  answeredBy: 'upload',
  parse: () => fail('Please use the upload button beside the message box to send the photo.'),
  tools: [],
  examples: [{ says: 'here it is', answer: null }],
});
