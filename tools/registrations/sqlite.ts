import { z } from 'zod';
import {
  ensureSchema,
  inWriteTransaction,
  inWriteTransactionNow,
  isUniqueViolation,
  reaching,
  type SqliteDatabase,
} from '../sqlite/database.ts';
import {
  familyKey,
  queryKeysOf,
  RegistrationFields,
  RegistrationNotFoundError,
  type RegistrationStore,
  type StoredRegistration,
} from './registrations.ts';
import { foldName } from '../airtable/records-port.ts';
import { remembered } from '../remembered.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS registrations (
  id TEXT NOT NULL UNIQUE,
  fields TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  season TEXT,
  family_key TEXT,
  team_key TEXT
);
CREATE TABLE IF NOT EXISTS shirt_numbers (
  season TEXT NOT NULL,
  team TEXT NOT NULL,
  age_group TEXT NOT NULL,
  number INTEGER NOT NULL,
  registration_id TEXT NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
  PRIMARY KEY (season, team, age_group, number)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS shirt_numbers_by_holder ON shirt_numbers (registration_id);
`;

/** What find() reads by: created once the key columns exist (a file from before gets them added). */
const INDEXES = `
CREATE INDEX IF NOT EXISTS registrations_by_family ON registrations (season, family_key);
CREATE INDEX IF NOT EXISTS registrations_by_team ON registrations (season, team_key);
`;

const SERVICE = 'registrations';
const KEY_COLUMNS = ['season', 'family_key', 'team_key'] as const;

/**
 * A file written before the query keys existed: the columns added and every row's keys filled
 * from its fields, once, in one write transaction (a second process starting at once finds them
 * there). A row that does not parse keeps no keys: find() never returns it, as before nothing did.
 */
function addQueryKeys(db: SqliteDatabase) {
  const columns = () =>
    new Set(
      db
        .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('registrations')")
        .all()
        .map((column) => column.name),
    );
  if (KEY_COLUMNS.every((column) => columns().has(column))) return;
  inWriteTransactionNow(db, SERVICE, () => {
    const present = columns();
    for (const column of KEY_COLUMNS) {
      if (!present.has(column)) db.exec(`ALTER TABLE registrations ADD COLUMN ${column} TEXT`);
    }
    const rows = db
      .prepare<[], { id: string; fields: string }>('SELECT id, fields FROM registrations')
      .all();
    const setKeys = db.prepare(
      'UPDATE registrations SET season = @season, family_key = @family, team_key = @team WHERE id = @id',
    );
    for (const row of rows) {
      const fields = RegistrationFields.safeParse(safeJson(row.fields));
      if (fields.success) setKeys.run({ id: row.id, ...queryKeysOf(fields.data) });
    }
  });
}

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

/** A shirt number's place: the team's name and age group compared case-insensitively. */
type ShirtClaim = {
  season: string;
  team: string;
  ageGroup: string;
  number: number;
  registrationId: string;
};

const claimOf = (id: string, fields: RegistrationFields): ShirtClaim | null =>
  fields.shirt_number === undefined
    ? null
    : {
        season: fields.season,
        team: fields.team.trim().toLowerCase(),
        ageGroup: fields.age_group.trim().toLowerCase(),
        number: Number(fields.shirt_number),
        registrationId: id,
      };

const Row = z.object({ id: z.string(), fields: z.string() });

/** What a row is indexed under (its key columns), as queryKeysOf gives them. */
type QueryKeys = ReturnType<typeof queryKeysOf>;

const sameKeys = (a: QueryKeys, b: QueryKeys) =>
  a.season === b.season && a.family === b.family && a.team === b.team;

/** A stored row checked against RegistrationFields; a row that does not fit is an error. */
function registrationFromRow(row: unknown): StoredRegistration {
  const { id, fields } = Row.parse(row);
  return { id, fields: { ...checkedFields(fields) } };
}

/**
 * A row's text as checked, remembered by the text: a registration's effects read the same row
 * several times in one turn (save, payment, text), and a text checks the same every time.
 */
const checkedFields = remembered(checkFields, 200);

/**
 * A change to a stored record: each field it names checked as RegistrationFields checks it. The
 * fields are independent, so a valid record with a valid change is a valid record.
 */
const FieldsChange = RegistrationFields.partial();
/** The fields every record has: a change may not take one away. */
const REQUIRED = Object.entries(RegistrationFields.shape)
  .filter(([, field]) => !field.safeParse(undefined).success)
  .map(([key]) => key as keyof RegistrationFields);

/** A stored (valid) record with `change` made: checked as a whole record only if it lost a field. */
function withChange(current: RegistrationFields, change: unknown): RegistrationFields {
  // Object.assign onto {}, not a spread: a spread that then gains keys (the change's new fields)
  // gets a hidden class of its own in Node 20's V8, and every later read of the record misses
  // V8's caches (see savedInstance in tools/snapshots/port.ts).
  const changed = Object.assign({}, current, FieldsChange.parse(change));
  return REQUIRED.some((key) => changed[key] === undefined)
    ? RegistrationFields.parse(changed)
    : (changed as RegistrationFields);
}

function checkFields(fields: string): RegistrationFields {
  let json: unknown;
  try {
    json = JSON.parse(fields);
  } catch (cause) {
    throw new Error('A stored registration is unreadable: not JSON', { cause });
  }
  const checked = RegistrationFields.safeParse(json);
  if (!checked.success) {
    throw new Error(`A stored registration is unreadable: ${z.prettifyError(checked.error)}`);
  }
  return checked.data;
}

/** A shirt number already held by another child: the record keeping it is left as it was. */
export class ShirtNumberTakenError extends Error {
  constructor(number: number) {
    super(`Shirt number ${number} is already held by another player of the team`);
    this.name = 'ShirtNumberTakenError';
  }
}

/**
 * Registrations in the embedded SQLite file, shared by every process that opens it. Shirt numbers
 * are unique per season, team (any case) and age group by the shirt_numbers table's primary key,
 * kept in step with each record's `shirt_number` in the same transaction as the record.
 */
export function createSqliteRegistrationStore(db: SqliteDatabase): RegistrationStore {
  ensureSchema(db, SCHEMA);
  addQueryKeys(db);
  ensureSchema(db, INDEXES);
  const statements = {
    get: db.prepare('SELECT id, fields FROM registrations WHERE id = ?'),
    list: db.prepare('SELECT id, fields FROM registrations ORDER BY rowid'),
    bySeason: db.prepare('SELECT id, fields FROM registrations WHERE season = ? ORDER BY rowid'),
    byFamily: db.prepare(
      'SELECT id, fields FROM registrations WHERE season = ? AND family_key = ? ORDER BY rowid',
    ),
    byTeam: db.prepare(
      'SELECT id, fields FROM registrations WHERE season = ? AND team_key = ? ORDER BY rowid',
    ),
    upsert: db.prepare(
      `INSERT INTO registrations (id, fields, updated_at, season, family_key, team_key)
       VALUES (@id, @fields, @updatedAt, @season, @family, @team)
       ON CONFLICT (id) DO UPDATE SET fields = excluded.fields, updated_at = excluded.updated_at,
         season = excluded.season, family_key = excluded.family_key, team_key = excluded.team_key`,
    ),
    /** The query keys a row is indexed under now. */
    keysOf: db.prepare<[string], QueryKeys>(
      'SELECT season, family_key AS family, team_key AS team FROM registrations WHERE id = ?',
    ),
    /** A row's text alone: its query keys are unchanged, so no index entry is written again. */
    rewrite: db.prepare(
      'UPDATE registrations SET fields = @fields, updated_at = @updatedAt WHERE id = @id',
    ),
    claimsOf: db.prepare<[string], ShirtClaim>(
      `SELECT season, team, age_group AS ageGroup, number, registration_id AS registrationId
       FROM shirt_numbers WHERE registration_id = ?`,
    ),
    holder: db.prepare<ShirtClaim, { registrationId: string }>(
      `SELECT registration_id AS registrationId FROM shirt_numbers
       WHERE season = @season AND team = @team AND age_group = @ageGroup AND number = @number`,
    ),
    claim: db.prepare(
      `INSERT INTO shirt_numbers (season, team, age_group, number, registration_id)
       VALUES (@season, @team, @ageGroup, @number, @registrationId)`,
    ),
    remove: db.prepare('DELETE FROM registrations WHERE id = ?'),
    removeClaims: db.prepare('DELETE FROM shirt_numbers WHERE registration_id = ?'),
    unclaim: db.prepare<ShirtClaim>(
      `DELETE FROM shirt_numbers
       WHERE season = @season AND team = @team AND age_group = @ageGroup AND number = @number`,
    ),
  };

  const read = (id: string) => {
    const row = statements.get.get(id);
    return row ? registrationFromRow(row) : null;
  };

  /** Writes the record and makes the shirt table agree with its shirt_number, atomically. */
  const write = (id: string, fields: RegistrationFields) => {
    const text = JSON.stringify(fields);
    const updatedAt = new Date().toISOString();
    const keys = queryKeysOf(fields);
    // Most writes change a record's payment or kit fields, not what it is found by: the row's text
    // is rewritten without its three index entries (one page to the WAL rather than three).
    const stored = statements.keysOf.get(id);
    if (stored && sameKeys(stored, keys)) statements.rewrite.run({ id, fields: text, updatedAt });
    else statements.upsert.run({ id, fields: text, updatedAt, ...keys });
    // The next read of this row (the payment step reads it back at once) needs no check.
    checkedFields.know(text, JSON.parse(text) as RegistrationFields);
    const wanted = claimOf(id, fields);
    const sameAsWanted = (claim: ShirtClaim) =>
      wanted !== null &&
      claim.season === wanted.season &&
      claim.team === wanted.team &&
      claim.ageGroup === wanted.ageGroup &&
      claim.number === wanted.number;
    const held = statements.claimsOf.all(id);
    held.filter((claim) => !sameAsWanted(claim)).forEach((claim) => statements.unclaim.run(claim));
    if (!wanted || held.some(sameAsWanted)) return;
    try {
      statements.claim.run(wanted);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ShirtNumberTakenError(wanted.number);
      throw error;
    }
  };

  return {
    async upsert(id, fields) {
      const checked = RegistrationFields.parse(fields);
      await inWriteTransaction(db, SERVICE, () =>
        write(id, Object.assign({}, read(id)?.fields, checked)),
      );
    },
    async update(id, fields) {
      await inWriteTransaction(db, SERVICE, () => {
        const current = read(id);
        if (!current) throw new RegistrationNotFoundError(id);
        write(id, withChange(current.fields, fields));
      });
    },
    async get(id) {
      return reaching(SERVICE, () => read(id));
    },
    async delete(id) {
      return inWriteTransaction(db, SERVICE, () => {
        statements.removeClaims.run(id);
        return statements.remove.run(id).changes > 0;
      });
    },
    async list() {
      return reaching(SERVICE, () => statements.list.all().map(registrationFromRow));
    },
    async find({ season, family, team }) {
      return reaching(SERVICE, () => {
        const rows = family
          ? statements.byFamily.all(season, familyKey(family))
          : team !== undefined
            ? statements.byTeam.all(season, foldName(team))
            : statements.bySeason.all(season);
        const found = rows.map(registrationFromRow);
        return family && team !== undefined
          ? found.filter((stored) => foldName(stored.fields.team) === foldName(team))
          : found;
      });
    },
    async reserveShirtNumber({ registrationId, team, ageGroup, season, number, with: also }) {
      return inWriteTransaction(db, SERVICE, () => {
        const own = read(registrationId);
        if (!own) throw new RegistrationNotFoundError(registrationId);
        const fields = withChange(own.fields, { ...also, shirt_number: String(number) });
        const claim = claimOf(registrationId, fields);
        const asked = claimOf(registrationId, { ...fields, team, age_group: ageGroup, season });
        if (!claim || JSON.stringify(claim) !== JSON.stringify(asked)) {
          throw new Error('A shirt number is reserved for the team the registration is in');
        }
        const holder = statements.holder.get(claim);
        if (holder && holder.registrationId !== registrationId) return 'taken';
        write(registrationId, fields);
        return 'reserved';
      });
    },
  };
}
