import { defineRoutine, childName, AT_SUMMARY } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseYesNo } from './parsers/yes-no.ts';
import { mapParsed } from './parsers/result.ts';

export const childLivesWithParent = defineRoutine({
  number: 16,
  why: "The league records where each player lives; if it's the same as yours I won't ask again.",
  ask: (view) => `Does ${childName(view)} live at the same address as you?`,
  instructions: [
    'Decide whether the child lives at the same address as the parent.',
    'Read "yes", "same house", "lives with me" as true; "no", "lives with their dad" as false.',
  ],
  extracts: Draft.pick({ childLivesWithParent: true }),
  parse: (text) => {
    if (/\b(same (house|address|place)|lives with me|with us)\b/i.test(text)) {
      return { ok: true, value: { childLivesWithParent: true } };
    }
    return mapParsed(parseYesNo(text), (childLivesWithParent) => ({ childLivesWithParent }));
  },
  mentions: ['lives with', 'same address'],
  corrections: AT_SUMMARY,
  tools: [],
  examples: [
    { says: 'yes same house', answer: { childLivesWithParent: true } },
    { says: 'no, she lives with her dad', answer: { childLivesWithParent: false } },
    { says: 'why do you need that', answer: null },
  ],
});
