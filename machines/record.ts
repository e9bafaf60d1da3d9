import { requiredFields } from '../routines/index.ts';
import { formatAddress } from '../routines/address-text.ts';
import { isTooOldForAgeGroup } from '../routines/age.ts';
import type { ClubConfig } from '../routines/club.ts';
import type { Address, Draft } from '../routines/draft.ts';
import { formatUkDate } from '../routines/parsers/dates.ts';
import { RegistrationFields } from '../tools/registrations/registrations.ts';
import type { SessionContext } from './setup.ts';

const yn = (value: boolean | undefined) => (value ? 'Y' : 'N');

/** Thrown when the flow reaches a save with an answer missing: a bug in the machine, never the parent's fault. */
export class IncompleteDraftError extends Error {
  constructor(missing: string[]) {
    super(`The draft is missing ${missing.join(', ')}`);
    this.name = 'IncompleteDraftError';
  }
}

/** What every saved record needs, from the routines' `required` (routines/index.ts). */
const REQUIRED = requiredFields();

function addressFields(prefix: 'parent' | 'player', address: Address) {
  return {
    [`${prefix}_full_address`]: formatAddress(address),
    [`${prefix}_house_number`]: address.houseNumber,
    [`${prefix}_address_line_1`]: address.line1,
    [`${prefix}_town`]: address.town,
    [`${prefix}_city`]: address.city,
    [`${prefix}_post_code`]: address.postcode,
  };
}

const medicalDescription = ({ medicalIssues, medicalNotes }: Partial<Draft>) =>
  [medicalIssues, medicalNotes && `Notes: ${medicalNotes}`].filter(Boolean).join('. ') || undefined;

/** A U16+ player with no mobile or e-mail of their own: the club goes through the parent (Y). */
function contactViaParent({ playerHasNoMobile, playerHasNoEmail }: Partial<Draft>) {
  if (playerHasNoMobile === undefined && playerHasNoEmail === undefined) return {};
  return { player_contact_via_parent: yn(playerHasNoMobile === true || playerHasNoEmail === true) };
}

/** The fields a registration's answers give, in the club's names (the rest is payment and status). */
function answerFields(context: SessionContext) {
  const { draft, team, code } = context;
  const missing = REQUIRED.filter((field) => draft[field] === undefined);
  if (!team || !code || missing.length > 0) throw new IncompleteDraftError(missing);
  const parentAddress = draft.parentAddress as Address;
  const childAddress = draft.childLivesWithParent === false ? draft.childAddress : parentAddress;
  const dateOfBirth = draft.childDateOfBirth as string;
  return {
    player_first_name: draft.childFirstName,
    player_last_name: draft.childLastName,
    player_dob: formatUkDate(dateOfBirth),
    player_gender: draft.childGender,
    age_group: team.ageGroup.toLowerCase(),
    team: team.name,
    player_has_any_medical_issues: yn(draft.hasMedicalIssues),
    description_of_player_medical_issues: medicalDescription(draft),
    played_for_urmston_town_last_season: yn(draft.playedLastSeason),
    previous_team_name: draft.previousTeam ?? undefined,
    player_telephone: draft.playerMobile ?? undefined,
    player_email: draft.playerEmail ?? undefined,
    ...contactViaParent(draft),
    ...(childAddress ? addressFields('player', childAddress) : {}),
    age_group_mismatch: yn(
      isTooOldForAgeGroup(dateOfBirth, team.ageGroup, context.settings.ageGroupCutoff),
    ),
    parent_first_name: draft.parentFirstName,
    parent_last_name: draft.parentLastName,
    parent_relationship_to_player: draft.relationship,
    registree_role: 'Parent',
    parent_telephone: draft.parentMobile,
    parent_email: draft.parentEmail,
    parent_dob: formatUkDate(draft.parentDateOfBirth as string),
    communication_consent: yn(draft.communicationConsent),
    ...addressFields('parent', parentAddress),
    registration_code: code.raw,
    registration_type: code.kind === 'new' ? '200' : '100',
    season: code.season,
    preferred_payment_day: draft.paymentDay,
    ...(draft.kitSize ? { kit_size: draft.kitSize } : {}),
    // A returning player: the photo on file carried over, and the link to last season's record.
    ...(draft.photoLink ? { id_image_link: draft.photoLink } : {}),
    ...(context.returning?.previous
      ? { previous_registration_id: context.returning.previous.registrationId }
      : {}),
  };
}

/** The registration as the club stores it (SPEC §6), from the validated answers of a session. */
export function toRegistrationFields(
  context: SessionContext,
  club: ClubConfig,
  now: Date,
): RegistrationFields {
  // The literal fields first, the answers' after (they name none of these): an object that starts
  // as a spread and then gains keys gets a hidden class of its own in Node 20's V8, and the check
  // of a record like that took 20-40 µs rather than 7 (see savedInstance, tools/snapshots/port.ts).
  return RegistrationFields.parse({
    registration_status: 'pending_payment',
    initial_db_write_timestamp: now.toISOString(),
    signing_on_fee_amount: club.fees.signingOnPence / 100,
    monthly_subscription_amount: club.fees.monthlyPence / 100,
    signing_on_fee_paid: 'N',
    mandate_authorised: 'N',
    subscription_activated: 'N',
    payment_follow_up_count: 0,
    ...answerFields(context),
  });
}

/**
 * What a correction after the save writes to the stored record: every field the answers give,
 * validated as the record is, and nothing of the payment or status the record has gathered since.
 */
export function recordCorrection(context: SessionContext): Partial<RegistrationFields> {
  const fields = RegistrationFields.partial().parse(answerFields(context));
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
