import { defineRoutine, childName, AT_SUMMARY } from './define-routine.ts';
import { Draft } from './draft.ts';
import { saysHasNone } from './parsers/own-contact.ts';
import { parseUkMobile } from './parsers/phones.ts';
import { ok } from './parsers/result.ts';

export const playerMobile = defineRoutine({
  number: 23,
  why: "From 16 the league contacts players directly, so it needs the player's own mobile, not yours. If they haven't got one, just say so and the club will contact them through you.",
  ask: (view) => {
    const ageGroup = view.team?.ageGroup;
    const why = ageGroup
      ? `As ${childName(view)} is in the ${ageGroup} age group, the league needs`
      : 'At this age, the league needs';
    return `${why} the player's own contact details (if ${childName(view)} hasn't got a mobile, just say so). What's ${childName(view)}'s own mobile number?`;
  },
  instructions: [
    "Read the player's own UK mobile, as 11 digits starting 07, with playerHasNoMobile false.",
    'If the parent clearly says the player has no mobile ("none", "he hasn\'t got one", "no phone"), answer playerMobile null and playerHasNoMobile true.',
    'A question, a doubt or a deferral ("ask him", "not sure", "does he need one?") is no answer.',
    "It must be different from the parent's number; if it is the same, return no answer and say so.",
  ],
  extracts: Draft.pick({ playerMobile: true, playerHasNoMobile: true }),
  parse: (text, view) => {
    if (saysHasNone(text, 'mobile')) return ok({ playerMobile: null, playerHasNoMobile: true });
    const parsed = parseUkMobile(text);
    if (parsed.ok) return ok({ playerMobile: parsed.value, playerHasNoMobile: false });
    const attempted = /\d{4,}/.test(text);
    return attempted
      ? parsed
      : {
          ok: false,
          reason: `${parsed.reason.replace(/\byour (UK )?mobile number\b/, `${childName(view)}'s $1mobile number`)} If ${childName(view)} hasn't got a mobile, just say so.`,
        };
  },
  check: ({ playerMobile, playerHasNoMobile }, { draft }) => {
    if (playerHasNoMobile) return playerMobile === null ? null : 'Has the player got a mobile?';
    if (playerMobile === null) return "What's the player's mobile number?";
    return playerMobile === draft.parentMobile
      ? "That's the same as your number. We need the player's own mobile (if they haven't got one, just say so)."
      : null;
  },
  mentions: ['his mobile', 'her mobile', "player's mobile", 'their mobile'],
  corrections: AT_SUMMARY,
  tools: [],
  examples: [
    { says: '07700 900 456', answer: { playerMobile: '07700900456', playerHasNoMobile: false } },
    { says: 'he has no phone', answer: { playerMobile: null, playerHasNoMobile: true } },
    { says: 'ask him', answer: null },
  ],
});
