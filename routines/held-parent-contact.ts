import { defineRoutine } from './define-routine.ts';
import { Draft } from './draft.ts';
import { clean } from './parsers/text.ts';
import { parseYesNo } from './parsers/yes-no.ts';
import { ok, type Parsed } from './parsers/result.ts';

type Change = 'parentMobile' | 'parentEmail';

const MOBILE = /\b(mobile|phone|number)\b/;
const EMAIL = /\be-?mail\b/;

/** What the club holds, or a plain "not on file" (a volunteer may have left a cell empty). */
const held = (...parts: (string | undefined)[]) =>
  parts.filter((part) => part?.trim()).join(' ') || 'not on file';

/** "yes" → nothing changed; "new number" → the mobile; "no" alone → both are asked again. */
function parseChanges(text: string): Parsed<{ heldContactChanges: Change[] }> {
  const lower = clean(text).toLowerCase();
  const changes: Change[] = [];
  if (MOBILE.test(lower)) changes.push('parentMobile');
  if (EMAIL.test(lower)) changes.push('parentEmail');
  if (changes.length > 0) return ok({ heldContactChanges: changes });
  const yesNo = parseYesNo(text);
  if (!yesNo.ok) return yesNo;
  return ok({ heldContactChanges: yesNo.value ? [] : ['parentMobile', 'parentEmail'] });
}

/** Returning players (102): the parent's contact details the club holds, confirmed or changed. */
export const heldParentContact = defineRoutine({
  number: 102,
  why: 'The club texts and e-mails you about the payment link, training and matches, so it needs your current details.',
  ask: ({ draft }) =>
    [
      "Thanks, that matches. Here's what we have for you:",
      `- **Name:** ${held(draft.parentFirstName, draft.parentLastName)}`,
      `- **Mobile:** ${held(draft.parentMobile)}`,
      `- **E-mail:** ${held(draft.parentEmail)}`,
      'Is that all still right? If not, tell me which changed (mobile, e-mail or both).',
    ].join('\n'),
  instructions: [
    'Read which of the contact details shown changed: parentMobile, parentEmail, both, or none.',
    'Yes / all correct means none changed; a plain no means both may have changed.',
  ],
  extracts: Draft.pick({ heldContactChanges: true }),
  parse: (text) => parseChanges(text),
  tools: [],
  examples: [
    { says: 'yes all correct', answer: { heldContactChanges: [] } },
    { says: 'new mobile number', answer: { heldContactChanges: ['parentMobile'] } },
    { says: 'my email has changed', answer: { heldContactChanges: ['parentEmail'] } },
    { says: 'no', answer: { heldContactChanges: ['parentMobile', 'parentEmail'] } },
    { says: 'hmm', answer: null },
  ],
});
