import { z } from 'zod';
import { ClubRecordFields } from '../registrations/registrations.ts';
import { ToolUnavailableError } from '../tool.ts';
import {
  AirtableRecordData,
  AirtableRejectedError,
  createAirtableClient,
  tablePath,
  type AirtableClient,
  type AirtableConfig,
} from './client.ts';
import { allOf, fieldEquals, fieldEqualsLoosely } from './formula.ts';
import {
  inTeam,
  matchesPrevious,
  RegistrationRecordNotFoundError,
  type RegistrationKey,
  type RegistrationRecord,
  type RegistrationRecords,
} from './records-port.ts';

/** Where each season's registrations live: `registrations_<season>` by default. */
export type RegistrationTables = { registrations: (season: string) => string };

const DEFAULT_TABLES: RegistrationTables = { registrations: (season) => `registrations_${season}` };

/** The fields Airtable merges an upsert on: exactly the registration key. */
export const KEY_FIELDS = ['player_first_name', 'player_last_name', 'player_dob'] as const;

const UpsertReply = z.object({
  records: z.array(AirtableRecordData).length(1),
  createdRecords: z.array(z.string()),
  updatedRecords: z.array(z.string()),
});
const UpdateReply = z.object({ records: z.array(AirtableRecordData).length(1) });
const DeleteReply = z.object({ id: z.string(), deleted: z.literal(true) });

const PartialFields = ClubRecordFields.partial();
const SHAPE: Record<string, z.ZodType> = ClubRecordFields.shape;

/** Reads a record field by field: what is in the club's format is kept, the rest is named. */
export function readRecord(raw: Record<string, unknown>): RegistrationRecord {
  const fields: Record<string, unknown> = {};
  const unreadable: string[] = [];
  for (const [name, schema] of Object.entries(SHAPE)) {
    if (!(name in raw)) continue;
    const parsed = schema.safeParse(raw[name]);
    if (parsed.success) fields[name] = parsed.data;
    else unreadable.push(name);
  }
  // each value passed its own field's schema just above
  return { fields: fields as Partial<ClubRecordFields>, unreadable };
}

/** Only the values that are set: Airtable is never sent `undefined`, nor a typecast. */
const cells = (fields: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));

const keyFormula = (key: RegistrationKey) =>
  allOf(
    fieldEquals('player_first_name', key.firstName),
    fieldEquals('player_last_name', key.lastName),
    fieldEquals('player_dob', key.dateOfBirth),
  );

function parseReply<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ToolUnavailableError('airtable', { cause: parsed.error });
  return parsed.data;
}

/**
 * The club's registration records in Airtable: an upsert merged on the key fields, so however
 * often a write is retried, from whichever process, a child has one record per season.
 */
export function createAirtableRegistrationRecords(
  config: AirtableConfig,
  tables: RegistrationTables = DEFAULT_TABLES,
  client: AirtableClient = createAirtableClient(config),
): RegistrationRecords {
  const tableOf = (season: string) => tables.registrations(season);

  /** The record id for a key; two records with one key is the club's data to fix, not ours. */
  async function findId(key: RegistrationKey, signal?: AbortSignal) {
    const found = await client.list(
      tableOf(key.season),
      { formula: keyFormula(key), maxRecords: 2 },
      signal,
    );
    if (found.length > 1) {
      throw new AirtableRejectedError('DUPLICATE_RECORDS', 422, 'two records share one child key');
    }
    return found[0] ?? null;
  }

  const teamRecords = (season: string, team: string, signal?: AbortSignal) =>
    client.list(tableOf(season), { formula: fieldEqualsLoosely('team', team) }, signal);

  return {
    async upsert(fields, signal) {
      const checked = ClubRecordFields.parse(fields);
      const body = await client.request(
        {
          method: 'PATCH',
          path: tablePath(tableOf(checked.season)),
          body: {
            performUpsert: { fieldsToMergeOn: [...KEY_FIELDS] },
            records: [{ fields: cells(checked) }],
            typecast: false,
          },
        },
        signal,
      );
      const reply = parseReply(UpsertReply, body);
      return { created: reply.createdRecords.length > 0 };
    },
    async update(key, fields, signal) {
      const checked = PartialFields.parse(fields);
      const record = await findId(key, signal);
      if (!record) throw new RegistrationRecordNotFoundError(key.season);
      const body = await client.request(
        {
          method: 'PATCH',
          path: tablePath(tableOf(key.season)),
          body: { records: [{ id: record.id, fields: cells(checked) }], typecast: false },
        },
        signal,
      );
      parseReply(UpdateReply, body);
    },
    async get(key, signal) {
      const record = await findId(key, signal);
      return record ? readRecord(record.fields) : null;
    },
    async delete(key, signal) {
      const record = await findId(key, signal);
      if (!record) return false;
      const path = `${tablePath(tableOf(key.season))}/${encodeURIComponent(record.id)}`;
      parseReply(DeleteReply, await client.request({ method: 'DELETE', path }, signal));
      return true;
    },
    async findPrevious(season, query, signal) {
      const found = await teamRecords(season, query.team, signal);
      return found
        .filter((record) => matchesPrevious(record.fields, query))
        .map((record) => readRecord(record.fields));
    },
    async listTeam({ season, team, ageGroup }, signal) {
      const found = await teamRecords(season, team, signal);
      return found
        .filter((record) => inTeam(record.fields, { team, ageGroup }))
        .map((record) => readRecord(record.fields));
    },
  };
}
