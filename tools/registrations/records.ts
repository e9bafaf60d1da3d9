import { createHash } from 'node:crypto';
import {
  inTeam,
  matchesPrevious,
  RegistrationRecordNotFoundError,
  type RegistrationKey,
  type RegistrationRecord,
  type RegistrationRecords,
} from '../airtable/records-port.ts';
import {
  ClubRecordFields,
  RegistrationFields,
  type RegistrationStore,
  type StoredRegistration,
} from './registrations.ts';

/** The store's id of the record with this exact key (the club's key is exact, like Airtable's). */
export const recordIdOf = (key: RegistrationKey) =>
  `key-${createHash('sha256')
    .update(JSON.stringify([key.season, key.firstName, key.lastName, key.dateOfBirth]))
    .digest('hex')
    .slice(0, 24)}`;

/** A stored registration as the club's record: the local-only fields left out. */
const asRecord = ({ fields }: StoredRegistration): RegistrationRecord => ({
  fields: ClubRecordFields.parse(fields),
  unreadable: [],
});

/** A local-only field the club's record does not carry, at its neutral value. */
const LOCAL_DEFAULTS = { age_group_mismatch: 'N' } as const;

/**
 * The club's records kept in a RegistrationStore (the embedded SQLite file): the same behaviour
 * as the Airtable table, so both pass one contract. The product reads through it (previous
 * seasons, a team's shirt numbers); its own writes go through the store by registration id, as
 * a record written here is filed under the exact key instead.
 */
export function createStoreRegistrationRecords(store: RegistrationStore): RegistrationRecords {
  const ofTeam = (season: string, team: string, signal?: AbortSignal) =>
    store.find({ season, team }, signal);
  return {
    async upsert(fields, signal) {
      const checked = ClubRecordFields.parse(fields);
      const id = recordIdOf({
        season: checked.season,
        firstName: checked.player_first_name,
        lastName: checked.player_last_name,
        dateOfBirth: checked.player_dob,
      });
      const existing = await store.get(id, signal);
      await store.upsert(
        id,
        RegistrationFields.parse({ ...LOCAL_DEFAULTS, ...existing?.fields, ...checked }),
        signal,
      );
      return { created: existing === null };
    },
    async update(key, fields, signal) {
      const checked: Partial<RegistrationFields> = Object.fromEntries(
        Object.entries(ClubRecordFields.partial().parse(fields)).filter(([, v]) => v !== undefined),
      );
      const id = recordIdOf(key);
      if (!(await store.get(id, signal))) throw new RegistrationRecordNotFoundError(key.season);
      await store.update(id, checked, signal);
    },
    async get(key, signal) {
      const stored = await store.get(recordIdOf(key), signal);
      return stored ? asRecord(stored) : null;
    },
    delete: (key, signal) => store.delete(recordIdOf(key), signal),
    async listTeam({ season, team, ageGroup }, signal) {
      return (await ofTeam(season, team, signal))
        .filter((stored) => inTeam(stored.fields, { team, ageGroup }))
        .map(asRecord);
    },
    async findPrevious(season, query, signal) {
      return (await ofTeam(season, query.team, signal))
        .filter((stored) => matchesPrevious(stored.fields, query))
        .map(asRecord);
    },
  };
}
