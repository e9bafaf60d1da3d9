import { defineRoutine, childName } from './define-routine.ts';
import { Draft } from './draft.ts';
import { pounds } from './club.ts';
import { parsePaymentDay } from './parsers/payment-day.ts';
import { mapParsed } from './parsers/result.ts';
import { monthlyAmountPence } from './subscription-plan.ts';
import { monthName } from './parsers/dates.ts';

export const paymentDay = defineRoutine({
  number: 29,
  why: "The monthly fee is collected by Direct Debit: you choose the day it's taken so it suits your pay day.",
  ask: (view) => {
    const { fees, season, siblingDiscountPercent } = view.club;
    const monthly = monthlyAmountPence(
      fees.monthlyPence,
      siblingDiscountPercent,
      view.siblingRegistered === true,
    );
    const discount = view.siblingRegistered
      ? ` (${siblingDiscountPercent}% off the usual ${pounds(fees.monthlyPence)}, as a brother or sister is already registered)`
      : '';
    return [
      `Thanks! To finish ${childName(view)}'s registration there are two payments:`,
      `- a one-off signing-on fee of **${pounds(fees.signingOnPence)}**, and`,
      `- **${pounds(monthly)} a month**${discount} by Direct Debit from ${monthName(season.firstMonth)} to ${monthName(season.lastMonth)}.`,
      '',
      "I'll text you a secure link to set both up whenever suits you.",
      'Which day of the month would you like the Direct Debit taken? Any day from 1 to 28, or the last day of the month.',
    ].join('\n');
  },
  instructions: [
    'Read the preferred day of the month for the Direct Debit: 1 to 28, or -1 for the last day of the month.',
    'Direct Debits cannot be taken on the 29th, 30th or 31st: for those return no answer and explain.',
  ],
  extracts: Draft.pick({ paymentDay: true }),
  required: ['paymentDay'],
  parse: (text) => mapParsed(parsePaymentDay(text), (day) => ({ paymentDay: day })),
  mentions: ['payment day'],
  corrections: { afterSave: true },
  tools: [],
  examples: [
    { says: '15th', answer: { paymentDay: 15 } },
    { says: 'the 1st please', answer: { paymentDay: 1 } },
    { says: 'last day of the month', answer: { paymentDay: -1 } },
    { says: '30th', answer: null },
  ],
});
