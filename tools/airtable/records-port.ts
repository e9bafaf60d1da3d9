import type { ClubRecordFields } from '../registrations/registrations.ts';

/**
 * The club's own key of a registration: the child's first name, last name and date of birth
 * (DD-MM-YYYY) in one season's table. Exactly the values stored in `player_first_name`,
 * `player_last_name` and `player_dob`: the one record per child per season is found by them.
 */
export type RegistrationKey = {
  season: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
};

/** The key of the record that `fields` belongs to. */
export const keyOf = (
  fields: Pick<
    ClubRecordFields,
    'season' | 'player_first_name' | 'player_last_name' | 'player_dob'
  >,
): RegistrationKey => ({
  season: fields.season,
  firstName: fields.player_first_name,
  lastName: fields.player_last_name,
  dateOfBirth: fields.player_dob,
});

/** A record as read back: volunteers edit the table by hand, so reading is field by field. */
export type RegistrationRecord = {
  /** The fields that are in the club's formats. */
  fields: Partial<ClubRecordFields>;
  /** Names of fields present but not in the club's format (their values are left out). */
  unreadable: string[];
};

export type TeamQuery = { season: string; team: string; ageGroup: string };

/** A returning player as the code names them, with their team (and age group) in that season. */
export type PreviousQuery = {
  firstName: string;
  lastName: string;
  team: string;
  /** The age group in that season's table (a year below this season's); any when left out. */
  ageGroup?: string;
};

/**
 * The club's registration records, one per child per season, in the club's field names and
 * formats (SPEC §6). Keyed by the club's own key rather than an id of ours, so every process,
 * session and retry lands on the same record.
 */
export interface RegistrationRecords {
  /** Creates the child's record in the fields' season, or updates it in place: never a second. */
  upsert(fields: ClubRecordFields, signal?: AbortSignal): Promise<{ created: boolean }>;
  /** Changes some fields of the existing record; `RegistrationRecordNotFoundError` if none. */
  update(
    key: RegistrationKey,
    fields: Partial<ClubRecordFields>,
    signal?: AbortSignal,
  ): Promise<void>;
  get(key: RegistrationKey, signal?: AbortSignal): Promise<RegistrationRecord | null>;
  /** Removes the child's record of that season (an erasure); whether there was one. */
  delete(key: RegistrationKey, signal?: AbortSignal): Promise<boolean>;
  /** Every record of one team in a season (e.g. shirt numbers already given by hand). */
  listTeam(query: TeamQuery, signal?: AbortSignal): Promise<RegistrationRecord[]>;
  /** A season's records of a returning player, tolerant of case, accents, hyphens and apostrophes. */
  findPrevious(
    season: string,
    query: PreviousQuery,
    signal?: AbortSignal,
  ): Promise<RegistrationRecord[]>;
}

/** Thrown when a record that should exist does not; names stay out of the message. */
export class RegistrationRecordNotFoundError extends Error {
  readonly season: string;
  constructor(season: string) {
    super(`No registration record for this child in season ${season}`);
    this.name = 'RegistrationRecordNotFoundError';
    this.season = season;
  }
}

/** A name folded for tolerant matching: no case, accents, apostrophes, hyphens or spaces. */
export const foldName = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

/** The number of an age group however it is written: U10, u10, u10s → 10 (null if none). */
export const ageGroupNumber = (ageGroup: string) => {
  const match = /^\s*u(\d{1,2})s?\s*$/i.exec(ageGroup);
  return match ? Number(match[1]) : null;
};

/** True when two team names are the same ignoring case, accents and spacing. */
export const sameTeam = (a: string, b: string) => foldName(a) === foldName(b);

type MatchedFields = 'player_first_name' | 'player_last_name' | 'team' | 'age_group';
const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** True when a stored record (as stored, maybe typed by hand) is the child of a team and age group. */
export const inTeam = (
  fields: Partial<Record<MatchedFields, unknown>>,
  query: { team: string; ageGroup?: string },
) =>
  sameTeam(text(fields.team), query.team) &&
  (query.ageGroup === undefined ||
    (ageGroupNumber(text(fields.age_group)) !== null &&
      ageGroupNumber(text(fields.age_group)) === ageGroupNumber(query.ageGroup)));

/** True when a stored record is the returning player the query describes. */
export const matchesPrevious = (
  fields: Partial<Record<MatchedFields, unknown>>,
  query: PreviousQuery,
) =>
  inTeam(fields, query) &&
  foldName(text(fields.player_first_name)) === foldName(query.firstName) &&
  foldName(text(fields.player_last_name)) === foldName(query.lastName);
