import { defineRoutine } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseYesNo } from './parsers/yes-no.ts';
import { mapParsed, ok } from './parsers/result.ts';

export const paymentLinkReceived = defineRoutine({
  number: 30,
  why: 'The link is how you pay the signing-on fee and set up the Direct Debit, so I check it reached you.',
  ask: ({ draft }) =>
    `I've saved the registration and texted a payment link to ${draft.parentMobile ?? 'your mobile'}. Please keep this chat open: there are a couple more things to do. Has the text arrived?`,
  instructions: ['Read whether the payment-link text message has arrived: yes or no.'],
  extracts: Draft.pick({ paymentLinkReceived: true }),
  parse: (text) => {
    if (
      /\b(not yet|nothing( yet)?|not (got|received|arrived)|haven'?t (got|had|received)|no text)\b/i.test(
        text,
      )
    ) {
      return ok({ paymentLinkReceived: false });
    }
    if (/^\s*(got it|received|it'?s (here|arrived)|just (got|arrived))\b/i.test(text)) {
      return ok({ paymentLinkReceived: true });
    }
    return mapParsed(parseYesNo(text), (paymentLinkReceived) => ({ paymentLinkReceived }));
  },
  tools: [],
  examples: [
    { says: 'yes got it', answer: { paymentLinkReceived: true } },
    { says: 'nothing yet', answer: { paymentLinkReceived: false } },
    { says: "haven't got it", answer: { paymentLinkReceived: false } },
    { says: 'which text?', answer: null },
  ],
});
