import { defineRoutine, childName } from './define-routine.ts';
import { Draft } from './draft.ts';
import { fail, ok } from './parsers/result.ts';

export const previousTeam = defineRoutine({
  number: 6,
  why: "The league needs a player's previous club to transfer their registration.",
  ask: (view) =>
    `Did ${childName(view)} play for another team last season? If so, which one? (Just say "no" if not.)`,
  instructions: [
    'Take the name of the team the child played for last season, as the parent wrote it.',
    'If they did not play for any team, return null.',
  ],
  extracts: Draft.pick({ previousTeam: true }),
  parse: (text) => {
    const reply = text.normalize('NFKC').replace(/\s+/g, ' ').trim();
    if (reply.length === 0) return fail('Which team was it? Or just say "no" if none.');
    if (/^(no|nope|nah|none|no team|didn'?t|did not|not? (any|really))\b/i.test(reply)) {
      return ok({ previousTeam: null });
    }
    const team = reply.replace(/^(yes,?\s*)?(he|she|they)?\s*(played for|was at|was with)\s*/i, '');
    return team.length > 100
      ? fail('Please just give the name of the team.')
      : ok({ previousTeam: team });
  },
  mentions: ['previous team', 'other team'],
  tools: [],
  examples: [
    { says: 'Flixton Juniors', answer: { previousTeam: 'Flixton Juniors' } },
    { says: 'he played for Stretford Vics', answer: { previousTeam: 'Stretford Vics' } },
    { says: 'no he didnt', answer: { previousTeam: null } },
    { says: '', answer: null },
  ],
});
