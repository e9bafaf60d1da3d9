import { defineRoutine, childName } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseYesNo } from './parsers/yes-no.ts';
import { mapParsed } from './parsers/result.ts';

export const playedLastSeason = defineRoutine({
  number: 6,
  why: 'A returning player keeps their kit and records; a new player may need new kit and the league needs to know their previous club.',
  ask: (view) =>
    `Did ${childName(view)} play for ${view.club.shortName} last season (${view.club.season.previousLabel})?`,
  instructions: ['Read whether the child played for this club last season: yes or no.'],
  extracts: Draft.pick({ playedLastSeason: true }),
  parse: (text) => mapParsed(parseYesNo(text), (playedLastSeason) => ({ playedLastSeason })),
  mentions: ['last season', 'played for'],
  tools: [],
  examples: [
    { says: 'yes he did', answer: { playedLastSeason: true } },
    { says: 'nah', answer: { playedLastSeason: false } },
    { says: 'a bit', answer: null },
  ],
});
