import { defineRoutine, childName, AT_SUMMARY } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseYesNo } from './parsers/yes-no.ts';
import { mapParsed } from './parsers/result.ts';

export const playedLastSeason = defineRoutine({
  number: 6,
  ask: (view) =>
    `Did ${childName(view)} play for ${view.club.shortName} last season (${view.club.season.previousLabel})?`,
  instructions: ['Read whether the child played for this club last season: yes or no.'],
  extracts: Draft.pick({ playedLastSeason: true }),
  parse: (text) => mapParsed(parseYesNo(text), (playedLastSeason) => ({ playedLastSeason })),
  mentions: ['last season', 'played for'],
  corrections: AT_SUMMARY,
  tools: [],
  examples: [
    { says: 'yes he did', answer: { playedLastSeason: true } },
    { says: 'nah', answer: { playedLastSeason: false } },
    { says: 'a bit', answer: null },
  ],
});
