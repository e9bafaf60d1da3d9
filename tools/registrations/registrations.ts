import { z } from 'zod';
import { foldName } from '../airtable/records-port.ts';

const YN = z.enum(['Y', 'N']);
const UkDate = z.string().regex(/^\d{2}-\d{2}-\d{4}$/, 'DD-MM-YYYY');
const Mobile = z.string().regex(/^07\d{9}$/);
const Postcode = z.string().regex(/^(GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2})$/);
const Text = (max: number) => z.string().max(max);

/** The kit sizes the club's table offers (the single-select options of `kit_size`). */
export const KIT_SIZES = [
  '5/6',
  '7/8',
  '9/10',
  '11/12',
  '13/14',
  'S',
  'M',
  'L',
  'XL',
  '2XL',
  '3XL',
] as const;
/** The months of the season whose collections the record tracks, September to May. */
export const SEASON_MONTHS = [
  'sep',
  'oct',
  'nov',
  'dec',
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
] as const;
export type SeasonMonth = (typeof SEASON_MONTHS)[number];
/** `sep_subscription_payment_status` …: the GoCardless status of that month's collection. */
export type MonthStatusField = `${SeasonMonth}_subscription_payment_status`;

/**
 * One registration as the club's Airtable table `registrations_<season>` holds it: the same field
 * names and value formats wherever a record leaves the process (SPEC §6).
 */
export const RegistrationFields = z.object({
  player_first_name: Text(50).min(1),
  player_last_name: Text(50).min(1),
  player_dob: UkDate,
  player_gender: z.enum(['Male', 'Female', 'Not Disclosed']),
  age_group: z.string().regex(/^u\d{1,2}$/),
  team: Text(20).min(1),
  player_has_any_medical_issues: YN,
  description_of_player_medical_issues: Text(1000).optional(),
  played_for_urmston_town_last_season: YN,
  previous_team_name: Text(100).optional(),
  player_telephone: Mobile.optional(),
  player_email: z.email().optional(),
  player_full_address: Text(200).optional(),
  player_house_number: Text(60).optional(),
  player_address_line_1: Text(100).optional(),
  player_town: Text(50).optional(),
  player_city: Text(50).optional(),
  player_post_code: Postcode.optional(),
  age_group_mismatch: YN,
  parent_first_name: Text(50).min(1),
  parent_last_name: Text(50).min(1),
  parent_relationship_to_player: z.enum(['Mother', 'Father', 'Guardian', 'Other']),
  registree_role: z.enum(['Parent', 'Player', 'Other']),
  parent_telephone: Mobile,
  parent_email: z.email(),
  parent_dob: UkDate,
  communication_consent: YN,
  parent_full_address: Text(200).min(10),
  parent_house_number: Text(60).min(1),
  parent_address_line_1: Text(100).min(1),
  parent_town: Text(50),
  parent_city: Text(50).min(1),
  parent_post_code: Postcode,
  registration_code: Text(100).min(1),
  registration_type: z.enum(['100', '200']),
  season: z.string().regex(/^\d{4}$/),
  registration_status: z.enum(['pending_payment', 'active', 'suspended', 'incomplete']),
  initial_db_write_timestamp: z.iso.datetime({ offset: true }),
  preferred_payment_day: z.int().min(-1).max(28),
  signing_on_fee_amount: z.number().nonnegative(),
  monthly_subscription_amount: z.number().nonnegative(),
  signing_on_fee_paid: YN,
  mandate_authorised: YN,
  subscription_activated: YN,
  payment_follow_up_count: z.int().nonnegative(),
  billing_request_id: Text(50).optional(),
  ongoing_subscription_id: Text(50).optional(),
  subscription_start_date: z.iso.date().optional(),
  subscription_status: z.enum(['pending', 'active', 'failed', 'cancelled', 'finished']).optional(),
  subscription_error: Text(500).optional(),
  ...(Object.fromEntries(
    SEASON_MONTHS.map((month) => [`${month}_subscription_payment_status`, Text(30).optional()]),
  ) as Record<MonthStatusField, z.ZodOptional<z.ZodString>>),
  sms_sent_at: z.iso.datetime({ offset: true }).optional(),
  sms_delivery_status: z.enum(['pending', 'sent', 'delivered', 'failed', 'undelivered']).optional(),
  /** Why the latest text failed or was not delivered, in words without personal data. */
  sms_delivery_error: Text(200).optional(),
  new_kit_required: YN.optional(),
  kit_type_required: z.enum(['Goalkeeper', 'Outfield']).optional(),
  kit_size: z.enum(KIT_SIZES).optional(),
  shirt_number: z
    .string()
    .regex(/^([1-9]|1\d|2[0-5])$/)
    .optional(),
  id_image_link: z.string().min(1).optional(),
  /**
   * A returning player's record of last season (its registration id): local-only, as the club's
   * table has no column for it (facts §7.2; `original_registration_code` holds a code, not a record).
   */
  previous_registration_id: z
    .string()
    .regex(/^reg-[0-9a-f]{24}$/)
    .optional(),
  /**
   * Y: a U16+ player with no mobile or e-mail of their own (the empty `player_telephone` or
   * `player_email` says which), so the club contacts them through the parent. Local-only, as the
   * club's table has no column for it (facts §7.2).
   */
  player_contact_via_parent: YN.optional(),
});
export type RegistrationFields = z.infer<typeof RegistrationFields>;

/** Fields kept in the local store only: the club's table (facts §7.2) has no column for them. */
export const LOCAL_ONLY_FIELDS = [
  'age_group_mismatch',
  'previous_registration_id',
  'player_contact_via_parent',
] as const;

/** A registration as the club's table holds it: every field but the local-only ones. */
export const ClubRecordFields = RegistrationFields.omit({
  age_group_mismatch: true,
  previous_registration_id: true,
  player_contact_via_parent: true,
});
export type ClubRecordFields = z.infer<typeof ClubRecordFields>;

/** The club's part of a registration (zod drops the local-only fields). */
export const clubFieldsOf = (fields: RegistrationFields): ClubRecordFields =>
  ClubRecordFields.parse(fields);

/** A stored registration: its id (one per child per season) and its fields. */
export type StoredRegistration = { id: string; fields: RegistrationFields };

export type ShirtRequest = {
  registrationId: string;
  team: string;
  ageGroup: string;
  season: string;
  number: number;
  /**
   * Fields written with the number, in the same write (the kit that goes with it): a record never
   * holds the number without them, and a number that is taken writes neither.
   */
  with?: Partial<Omit<RegistrationFields, 'shirt_number' | 'team' | 'age_group' | 'season'>>;
};

/**
 * Which of a season's registrations to read, by folded keys (foldName: no case, accents,
 * apostrophes, hyphens or spaces): a superset of what each caller's rule matches, which the
 * caller still applies. Never every registration: a store answers it from an index.
 */
export type RegistrationQuery = {
  season: string;
  /** The parent's full name and the child's surname, as the sibling rule compares them. */
  family?: { parentFirstName: string; parentLastName: string; childLastName: string };
  /** A team by name, whatever its case, accents or spacing. */
  team?: string;
};

/** The folded key the sibling rule's candidates share: the parent's full name and the child's surname. */
export const familyKey = (family: NonNullable<RegistrationQuery['family']>) =>
  `${foldName(`${family.parentFirstName} ${family.parentLastName}`)}|${foldName(family.childLastName)}`;

/** The keys a store indexes a registration under (see RegistrationQuery). */
export const queryKeysOf = (fields: RegistrationFields) => ({
  season: fields.season,
  family: familyKey({
    parentFirstName: fields.parent_first_name,
    parentLastName: fields.parent_last_name,
    childLastName: fields.player_last_name,
  }),
  team: foldName(fields.team),
});

/** Where registrations live (Airtable for the club, a local file in the embedded mode). */
export interface RegistrationStore {
  /** Creates or replaces the registration with this id: retries never make a second record. */
  upsert(id: string, fields: RegistrationFields, signal?: AbortSignal): Promise<void>;
  update(id: string, fields: Partial<RegistrationFields>, signal?: AbortSignal): Promise<void>;
  get(id: string, signal?: AbortSignal): Promise<StoredRegistration | null>;
  /** Every registration: for the admin and the retention sweep, never a parent's turn. */
  list(signal?: AbortSignal): Promise<StoredRegistration[]>;
  /** One season's registrations narrowed by the query's keys, from an index. */
  find(query: RegistrationQuery, signal?: AbortSignal): Promise<StoredRegistration[]>;
  /** Erases the registration and its shirt number; whether there was one. */
  delete(id: string, signal?: AbortSignal): Promise<boolean>;
  /**
   * Gives a shirt number to one child of a team, atomically, with the request's other fields; the
   * same child may ask again.
   */
  reserveShirtNumber(request: ShirtRequest, signal?: AbortSignal): Promise<'reserved' | 'taken'>;
}

/** Thrown when a registration that should exist does not. */
export class RegistrationNotFoundError extends Error {
  constructor(id: string) {
    super(`No registration ${id}`);
    this.name = 'RegistrationNotFoundError';
  }
}
