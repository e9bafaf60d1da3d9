import { defineRoutine, AT_SUMMARY } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseUkMobile } from './parsers/phones.ts';
import { mapParsed } from './parsers/result.ts';

export const parentMobile = defineRoutine({
  number: 8,
  why: 'I text you the secure payment link, and coaches use it to reach you about training, matches and emergencies.',
  ask: () => "What's your mobile number? We'll text the payment link to it.",
  instructions: [
    "Read the parent's UK mobile number and return it as 11 digits starting 07 (+44 7... becomes 07...).",
    'A landline or a foreign number is not valid: return no answer.',
  ],
  extracts: Draft.pick({ parentMobile: true }),
  required: ['parentMobile'],
  parentDetail: true,
  parse: (text) => mapParsed(parseUkMobile(text), (parentMobile) => ({ parentMobile })),
  mentions: ['my mobile', 'my number', 'my phone', 'mobile', 'phone number', 'number is'],
  corrections: AT_SUMMARY,
  tools: [],
  examples: [
    { says: '07700 900 123', answer: { parentMobile: '07700900123' } },
    { says: '+44 7700 900123', answer: { parentMobile: '07700900123' } },
    { says: '0161 496 0000', answer: null },
  ],
});
