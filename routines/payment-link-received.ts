import { defineRoutine } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseYesNo } from './parsers/yes-no.ts';
import { mapParsed } from './parsers/result.ts';

export const paymentLinkReceived = defineRoutine({
  number: 30,
  ask: ({ draft }) =>
    `I've saved the registration and texted a payment link to ${draft.parentMobile ?? 'your mobile'}. Please keep this chat open: there are a couple more things to do. Has the text arrived?`,
  instructions: ['Read whether the payment-link text message has arrived: yes or no.'],
  extracts: Draft.pick({ paymentLinkReceived: true }),
  parse: (text) => mapParsed(parseYesNo(text), (paymentLinkReceived) => ({ paymentLinkReceived })),
  tools: [],
  examples: [
    { says: 'yes got it', answer: { paymentLinkReceived: true } },
    { says: 'nothing yet', answer: { paymentLinkReceived: false } },
    { says: 'which text?', answer: null },
  ],
});
