import { ageGroupCutoff } from './age.ts';
import { defineRoutine, childName } from './define-routine.ts';
import { Draft } from './draft.ts';
import { formatUkDate } from './parsers/dates.ts';
import { parseYesNo } from './parsers/yes-no.ts';
import { mapParsed } from './parsers/result.ts';

/** Asked only when the date of birth is older than the code's age group allows. */
export const childAgeGroupCheck = defineRoutine({
  number: 3,
  why: "The FA sets age groups by date of birth; a child older than their team's age group can only play with the league's say-so, so the club flags it.",
  ask: (view) => {
    const { childDateOfBirth } = view.draft;
    const ageGroup = view.team?.ageGroup;
    const date = childDateOfBirth ? ` (${formatUkDate(childDateOfBirth)})` : '';
    const group = ageGroup
      ? `the ${ageGroup} age group allows (under ${ageGroup.slice(1)} on ${formatUkDate(ageGroupCutoff(view.club))})`
      : "this team's age group allows";
    const whose = childName(view);
    const subject = `${whose.charAt(0).toUpperCase()}${whose.slice(1)}`;
    return `${subject}'s date of birth${date} is older than ${group}. Is the date right?`;
  },
  instructions: [
    'The date of birth does not fit the age group of the code. Ask the parent to confirm it.',
    'Yes keeps the date (the club will check the age group); no means they will type it again.',
  ],
  extracts: Draft.pick({ childAgeGroupConfirmed: true }),
  parse: (text) =>
    mapParsed(parseYesNo(text), (childAgeGroupConfirmed) => ({ childAgeGroupConfirmed })),
  tools: [],
  examples: [
    { says: 'yes that is right', answer: { childAgeGroupConfirmed: true } },
    { says: 'no sorry', answer: { childAgeGroupConfirmed: false } },
    { says: 'what?', answer: null },
  ],
});
