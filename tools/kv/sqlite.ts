import {
  ensureSchema,
  inWriteTransaction,
  reaching,
  type SqliteDatabase,
} from '../sqlite/database.ts';
import type { KeyValueStore } from './port.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS key_values (
  namespace TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  expires_at INTEGER,
  PRIMARY KEY (namespace, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS key_values_by_expiry ON key_values (expires_at)
  WHERE expires_at IS NOT NULL;
`;

const SERVICE = 'key-value';

/** JSON text of a value; undefined is not JSON and is refused rather than stored as nothing. */
function encode(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('A key-value store keeps JSON values only');
  return json;
}

const decode = (namespace: string, json: string): unknown => {
  try {
    return JSON.parse(json);
  } catch (cause) {
    throw new Error(`A stored ${namespace} value is unreadable: not JSON`, { cause });
  }
};

/**
 * Small JSON values in the embedded SQLite file, under `namespace`, shared by every process that
 * opens it. Expired entries read as absent and are swept as later writes pass.
 */
export function createSqliteKeyValueStore(db: SqliteDatabase, namespace: string): KeyValueStore {
  ensureSchema(db, SCHEMA);
  const live = '(expires_at IS NULL OR expires_at > @now)';
  const statements = {
    get: db.prepare<{ namespace: string; key: string; now: number }, { value: string }>(
      `SELECT value FROM key_values WHERE namespace = @namespace AND key = @key AND ${live}`,
    ),
    set: db.prepare(
      `INSERT OR REPLACE INTO key_values (namespace, key, value, expires_at)
       VALUES (@namespace, @key, @value, @expiresAt)`,
    ),
    insert: db.prepare(
      `INSERT OR IGNORE INTO key_values (namespace, key, value, expires_at)
       VALUES (@namespace, @key, @value, @expiresAt)`,
    ),
    dropIfExpired: db.prepare(
      `DELETE FROM key_values WHERE namespace = @namespace AND key = @key AND NOT ${live}`,
    ),
    sweep: db.prepare('DELETE FROM key_values WHERE expires_at <= @now'),
    delete: db.prepare('DELETE FROM key_values WHERE namespace = @namespace AND key = @key'),
  };
  const expiry = (now: number, ttlMs?: number) => (ttlMs === undefined ? null : now + ttlMs);
  const read = (key: string, now: number) => {
    const row = statements.get.get({ namespace, key, now });
    return row ? decode(namespace, row.value) : undefined;
  };

  return {
    async get(key) {
      return reaching(SERVICE, () => read(key, Date.now()));
    },
    async set(key, value, ttlMs) {
      const json = encode(value);
      await inWriteTransaction(db, SERVICE, () => {
        const now = Date.now();
        statements.sweep.run({ now });
        statements.set.run({ namespace, key, value: json, expiresAt: expiry(now, ttlMs) });
      });
    },
    async setIfAbsent(key, value, ttlMs) {
      const json = encode(value);
      return inWriteTransaction(db, SERVICE, () => {
        const now = Date.now();
        statements.dropIfExpired.run({ namespace, key, now });
        const inserted = statements.insert.run({
          namespace,
          key,
          value: json,
          expiresAt: expiry(now, ttlMs),
        });
        return inserted.changes === 1
          ? { stored: true, value: decode(namespace, json) }
          : { stored: false, value: read(key, now) };
      });
    },
    async delete(key) {
      await inWriteTransaction(db, SERVICE, () => statements.delete.run({ namespace, key }));
    },
    async close() {
      // The database belongs to the caller, who closes it once every store is done.
    },
  };
}
