import { createHash } from 'node:crypto';
import type { ClubConfig } from '../routines/club.ts';
import { Draft } from '../routines/draft.ts';
import { registrationIdOf } from '../routines/identity.ts';
import type { ClubRecordFields } from '../tools/registrations/registrations.ts';

/** Last season's record of a returning player, in the draft's terms. Never shown before the check. */
export type HeldRecord = {
  /** The id of last season's record (the registration id it was saved under): the new one links to it. */
  registrationId: string;
  season: string;
  draft: Partial<Draft>;
  /** Last season's shirt number, kept this season if still free. */
  shirtNumber?: number;
  /** The photo on file, when it is recent enough to keep (the club's `photoValidForSeasons`). */
  photoLink?: string;
};

/** The season before a season code: 2526 → 2425. */
export const previousSeason = (season: string) => {
  const first = Number(season.slice(0, 2)) - 1;
  const pad = (year: number) => String((year + 100) % 100).padStart(2, '0');
  return `${pad(first)}${pad(first + 1)}`;
};

/** The age group a year earlier: U10 → U9. */
export const previousAgeGroup = (ageGroup: string) => `U${Number(ageGroup.slice(1)) - 1}`;

/** Seasons from one season code to another (2425 → 2526 is 1). */
const seasonsBetween = (from: string, to: string) =>
  (Number(to.slice(0, 2)) - Number(from.slice(0, 2)) + 100) % 100;

const iso = (ukDate: string | undefined) => {
  const match = /^(\d{2})-(\d{2})-(\d{4})$/.exec(ukDate ?? '');
  return match ? `${match[3]}-${match[2]}-${match[1]}` : undefined;
};

const addressOf = (
  fields: Partial<ClubRecordFields>,
  prefix: 'parent' | 'player',
): Record<string, unknown> | undefined => {
  const postcode = fields[`${prefix}_post_code`];
  if (!postcode) return undefined;
  return {
    houseNumber: fields[`${prefix}_house_number`],
    line1: fields[`${prefix}_address_line_1`],
    town: fields[`${prefix}_town`] ?? '',
    city: fields[`${prefix}_city`],
    postcode,
  };
};

/** "Asthma. Notes: inhaler in the bag" → the list and the notes, as the record writer joined them. */
const medicalOf = (description: string | undefined) => {
  if (!description) return { medicalIssues: null, medicalNotes: null };
  const [issues = '', notes] = description.split('. Notes: ');
  return { medicalIssues: issues || null, medicalNotes: notes ?? null };
};

/** Keeps each value only if it is valid for its draft field (volunteers edit records by hand). */
function validDraft(values: Record<string, unknown>): Partial<Draft> {
  const shape = Draft.shape as Record<string, { safeParse(value: unknown): { success: boolean } }>;
  return Object.fromEntries(
    Object.entries(values).filter(
      ([field, value]) => value !== undefined && shape[field]?.safeParse(value).success === true,
    ),
  ) as Partial<Draft>;
}

/**
 * Last season's record read into the draft a returning player carries over; null when the record
 * lacks what identifies the child (name and date of birth).
 */
export function heldFrom(
  fields: Partial<ClubRecordFields>,
  club: Pick<ClubConfig, 'photoValidForSeasons'>,
  currentSeason: string,
): HeldRecord | null {
  const childDateOfBirth = iso(fields.player_dob);
  const { season, player_first_name: first, player_last_name: last } = fields;
  if (!childDateOfBirth || !season || !first || !last) return null;
  const parentAddress = addressOf(fields, 'parent');
  const childAddress = addressOf(fields, 'player');
  const livesWithParent =
    !childAddress || fields.player_full_address === fields.parent_full_address;
  const medical = medicalOf(fields.description_of_player_medical_issues);
  const draft = validDraft({
    childFirstName: first,
    childLastName: last,
    childDateOfBirth,
    childGender: fields.player_gender,
    hasMedicalIssues: fields.player_has_any_medical_issues === 'Y',
    medicalIssues: fields.player_has_any_medical_issues === 'Y' ? medical.medicalIssues : null,
    medicalNotes: fields.player_has_any_medical_issues === 'Y' ? medical.medicalNotes : null,
    playedLastSeason: true,
    previousTeam: null,
    relationship: fields.parent_relationship_to_player,
    parentFirstName: fields.parent_first_name,
    parentLastName: fields.parent_last_name,
    parentMobile: fields.parent_telephone,
    parentEmail: fields.parent_email,
    communicationConsent:
      fields.communication_consent === undefined ? undefined : fields.communication_consent === 'Y',
    parentDateOfBirth: iso(fields.parent_dob),
    parentPostcode: parentAddress?.postcode,
    parentHouseNumber: parentAddress?.houseNumber,
    parentAddress,
    childLivesWithParent: livesWithParent,
    ...(livesWithParent
      ? {}
      : {
          childAddress,
          childPostcode: childAddress?.postcode,
          childHouseNumber: childAddress?.houseNumber,
        }),
    playerMobile: fields.player_telephone,
    playerEmail: fields.player_email,
  });
  const shirtNumber = fields.shirt_number ? Number(fields.shirt_number) : undefined;
  const photoCurrent =
    fields.id_image_link !== undefined &&
    seasonsBetween(season, currentSeason) <= club.photoValidForSeasons;
  return {
    registrationId: registrationIdOf({
      season,
      childFirstName: first,
      childLastName: last,
      childDateOfBirth,
    }),
    season,
    draft,
    ...(shirtNumber ? { shirtNumber } : {}),
    ...(photoCurrent && fields.id_image_link ? { photoLink: fields.id_image_link } : {}),
  };
}

/**
 * A held record as the session keeps it until the family's answer matches: its id and digests of
 * the two answers that would match (never the record itself, so an abandoned check keeps nothing).
 */
export type HeldCandidate = { registrationId: string; season: string; checks: string[] };

const checkOf = (registrationId: string, answer: string) =>
  createHash('sha256').update(`${registrationId}|${answer}`).digest('hex');

/** What the session keeps of a held record before the check. */
export const candidateOf = ({ registrationId, season, draft }: HeldRecord): HeldCandidate => ({
  registrationId,
  season,
  checks: [draft.parentMobile, draft.childDateOfBirth]
    .filter((answer): answer is string => answer !== undefined)
    .map((answer) => checkOf(registrationId, answer)),
});

/** The candidate the parent's answer matches: the parent's mobile or the child's date of birth. */
export const matchingCandidate = (
  candidates: readonly HeldCandidate[],
  answer: string | undefined,
) =>
  answer === undefined
    ? undefined
    : candidates.find(({ registrationId, checks }) =>
        checks.includes(checkOf(registrationId, answer)),
      );
