import { defineRoutine, childName, AT_SUMMARY } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseUkMobile } from './parsers/phones.ts';
import { mapParsed } from './parsers/result.ts';

export const playerMobile = defineRoutine({
  number: 23,
  why: "From 16 the league contacts players directly, so it needs the player's own mobile, not yours.",
  ask: (view) => {
    const ageGroup = view.team?.ageGroup;
    const why = ageGroup
      ? `As ${childName(view)} is in the ${ageGroup} age group, the league needs`
      : 'At this age, the league needs';
    return `${why} the player's own contact details. What's ${childName(view)}'s own mobile number?`;
  },
  instructions: [
    "Read the player's own UK mobile, as 11 digits starting 07.",
    "It must be different from the parent's number; if it is the same, return no answer and say so.",
  ],
  extracts: Draft.pick({ playerMobile: true }),
  parse: (text) => mapParsed(parseUkMobile(text), (playerMobile) => ({ playerMobile })),
  check: ({ playerMobile }, { draft }) =>
    playerMobile === draft.parentMobile
      ? "That's the same as your number. We need the player's own mobile."
      : null,
  mentions: ['his mobile', 'her mobile', "player's mobile", 'their mobile'],
  corrections: AT_SUMMARY,
  tools: [],
  examples: [
    { says: '07700 900 456', answer: { playerMobile: '07700900456' } },
    { says: 'he has no phone', answer: null },
  ],
});
