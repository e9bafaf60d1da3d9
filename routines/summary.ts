import { formatAddress } from './address-text.ts';
import type { RoutineView } from './define-routine.ts';
import { formatUkDate } from './parsers/dates.ts';

/** A first and last name, whichever are known; undefined when neither is. */
const fullName = (first: string | undefined, last: string | undefined) =>
  [first, last].filter(Boolean).join(' ') || undefined;
const yesNo = (value: boolean | undefined) => (value ? 'Yes' : 'No');
const dayOfMonth = (day: number | undefined) =>
  day === -1 ? 'Last day of the month' : day === undefined ? '' : `${day}`;

/** A U16+ player with no mobile or e-mail of their own: what the club does instead. */
const viaParent = (draft: RoutineView['draft']) =>
  `None — the club will contact ${draft.childFirstName ?? 'the player'} through you`;

/** Every answer so far, normalised, one per line, for the parent to check at routine 28. */
export function summarise({ draft }: RoutineView): string {
  const lines: [string, string | undefined][] = [
    ['Your name', fullName(draft.parentFirstName, draft.parentLastName)],
    ['Relationship', draft.relationship],
    ['Your mobile', draft.parentMobile],
    ['Your e-mail', draft.parentEmail],
    [
      'Club news by e-mail/text',
      draft.communicationConsent === undefined ? undefined : yesNo(draft.communicationConsent),
    ],
    ['Your date of birth', draft.parentDateOfBirth && formatUkDate(draft.parentDateOfBirth)],
    ['Your address', draft.parentAddress && formatAddress(draft.parentAddress)],
    ["Child's name", fullName(draft.childFirstName, draft.childLastName)],
    ["Child's date of birth", draft.childDateOfBirth && formatUkDate(draft.childDateOfBirth)],
    ['Gender', draft.childGender],
    [
      'Medical issues',
      draft.hasMedicalIssues
        ? (draft.medicalIssues ?? 'Yes')
        : draft.hasMedicalIssues === false
          ? 'None'
          : undefined,
    ],
    ['Medical notes', draft.medicalNotes ?? undefined],
    [
      'Played here last season',
      draft.playedLastSeason === undefined ? undefined : yesNo(draft.playedLastSeason),
    ],
    ['Previous team', draft.previousTeam ?? undefined],
    [
      "Child's address",
      draft.childLivesWithParent
        ? 'Same as yours'
        : draft.childAddress && formatAddress(draft.childAddress),
    ],
    [
      "Player's mobile",
      draft.playerHasNoMobile ? viaParent(draft) : (draft.playerMobile ?? undefined),
    ],
    [
      "Player's e-mail",
      draft.playerHasNoEmail ? viaParent(draft) : (draft.playerEmail ?? undefined),
    ],
    ['Payment day', dayOfMonth(draft.paymentDay) || undefined],
  ];
  return lines
    .filter((line): line is [string, string] => Boolean(line[1]))
    .map(([label, value]) => `- **${label}:** ${value}`)
    .join('\n');
}
