import { defineRoutine, childName } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseYesNo } from './parsers/yes-no.ts';
import { mapParsed } from './parsers/result.ts';

/**
 * Asked when the child already has a registration under way this season (another chat, another
 * device, or a chat that was lost): carrying on here continues that one registration, never a second.
 */
export const carryOnHere = defineRoutine({
  number: 3,
  why: 'Each child can only be registered once a season, so I check before carrying on here rather than in the other chat.',
  ask: (view) =>
    [
      `${childName(view)} already has a registration under way for this season, started in another chat.`,
      `Would you like to carry on with it here? (If you say no, you can finish it in the other chat.)`,
    ].join(' '),
  instructions: [
    'The child already has a registration under way in another chat.',
    'Yes means the parent wants to carry on with it in this chat; no means they will finish it elsewhere.',
  ],
  extracts: Draft.pick({ carryOnHere: true }),
  parse: (text) => mapParsed(parseYesNo(text), (carryOnHere) => ({ carryOnHere })),
  tools: [],
  examples: [
    { says: 'yes, carry on here', answer: { carryOnHere: true } },
    { says: 'no thanks', answer: { carryOnHere: false } },
    { says: 'what do you mean?', answer: null },
  ],
});
