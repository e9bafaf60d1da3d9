import { defineRoutine, childName, AT_SUMMARY } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseYesNo } from './parsers/yes-no.ts';
import { mapParsed, ok, type Parsed } from './parsers/result.ts';

/** Told rather than said: new to football or to the club, or with another club. */
const DID_NOT =
  /\b(?:(?:he|she|they)(?:'s|\s+is|\s+are|'re)\s+new|new\s+(?:to|at|player|starter|this|here)|first\s+(?:season|year|time)|never\s+played|not\s+played|hasn'?t\s+played|didn'?t\s+play|another\s+(?:club|team)|other\s+(?:club|team)|different\s+(?:club|team)|just\s+starting|starting\s+out)\b/i;

/** "he was with the U9s", "played for you last year": at this club, in other words. */
const DID = (club: string) =>
  new RegExp(
    `\\b(?:played|was|were|been|plays|playing|in)\\b.{0,30}\\b(?:for\\s+you|with\\s+you|your\\s+(?:team|club|lot)|here|this\\s+club|the\\s+club|the\\s+u\\d{1,2}s?|u\\d{1,2}s?|under\\s+\\d{1,2}s?|${club.toLowerCase().split(/\s+/)[0] ?? 'club'})\\b`,
    'i',
  );

/** Yes or no, or a description of either ("he's new", "he was with the U9s"). */
function readPlayedLastSeason(text: string, club: string): Parsed<boolean> {
  const said = parseYesNo(text);
  if (said.ok) return said;
  if (DID_NOT.test(text)) return ok(false);
  if (/\bcourse\b/i.test(text) || DID(club).test(text)) return ok(true);
  // "played for Davyhulme": a club named that is not this one.
  if (/\b(?:played|was|were|been)\s+(?:for|with|at)\s+\p{L}{3,}/iu.test(text)) return ok(false);
  return said;
}

export const playedLastSeason = defineRoutine({
  number: 6,
  why: 'A returning player keeps their kit and records; a new player may need new kit and the league needs to know their previous club.',
  ask: (view) =>
    `Did ${childName(view)} play for ${view.club.shortName} last season (${view.club.season.previousLabel})?`,
  instructions: ['Read whether the child played for this club last season: yes or no.'],
  extracts: Draft.pick({ playedLastSeason: true }),
  required: ['playedLastSeason'],
  parse: (text, { club }) =>
    mapParsed(readPlayedLastSeason(text, club.shortName), (playedLastSeason) => ({
      playedLastSeason,
    })),
  mentions: ['last season', 'played for'],
  corrections: AT_SUMMARY,
  tools: [],
  examples: [
    { says: 'yes he did', answer: { playedLastSeason: true } },
    { says: 'nah', answer: { playedLastSeason: false } },
    { says: 'a bit', answer: null },
  ],
});
