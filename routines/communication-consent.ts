import { defineRoutine, PLAIN_FIELD } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseYesNo } from './parsers/yes-no.ts';
import { mapParsed } from './parsers/result.ts';

export const communicationConsent = defineRoutine({
  number: 10,
  why: 'The club only sends you news and updates by e-mail or text if you say yes; you can change your mind any time.',
  ask: ({ club }) =>
    `Are you happy for ${club.shortName} to send you club news by e-mail and text? Either answer is fine.`,
  instructions: [
    'Read whether the parent agrees to general club e-mails and texts. Yes and no are both valid.',
  ],
  extracts: Draft.pick({ communicationConsent: true }),
  required: ['communicationConsent'],
  parentDetail: true,
  parse: (text) =>
    mapParsed(parseYesNo(text), (communicationConsent) => ({ communicationConsent })),
  mentions: ['consent', 'club news'],
  corrections: PLAIN_FIELD,
  tools: [],
  examples: [
    { says: 'yeah sure', answer: { communicationConsent: true } },
    { says: 'no thanks', answer: { communicationConsent: false } },
    { says: 'depends', answer: null },
  ],
});
