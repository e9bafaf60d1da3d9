import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  ensureSchema,
  inWriteTransaction,
  reaching,
  type SqliteDatabase,
} from '../sqlite/database.ts';
import {
  CommitTooLateError,
  InstanceBusyError,
  RevisionConflictError,
  SNAPSHOT_STORE_DEFAULTS,
  savedInstance,
  StoredInstance,
  type HeldInstance,
  type InstanceKey,
  type JournalAppend,
  type SnapshotStore,
  type SnapshotStoreOptions,
} from './port.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS machine_instances (
  machine TEXT NOT NULL,
  id TEXT NOT NULL,
  version TEXT NOT NULL,
  revision INTEGER NOT NULL,
  snapshot TEXT NOT NULL,
  saved_at TEXT NOT NULL,
  extra TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (machine, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS machine_instances_by_expiry ON machine_instances (expires_at);
CREATE TABLE IF NOT EXISTS machine_journal (
  machine TEXT NOT NULL,
  id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  entry TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  PRIMARY KEY (machine, id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS machine_locks (
  machine TEXT NOT NULL,
  id TEXT NOT NULL,
  token TEXT NOT NULL,
  until INTEGER NOT NULL,
  PRIMARY KEY (machine, id)
) WITHOUT ROWID;
`;

const SERVICE = 'snapshots';
const POLL_MS = 25;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const InstanceRow = z.object({
  machine: z.string(),
  version: z.string(),
  revision: z.number(),
  snapshot: z.string(),
  saved_at: z.string(),
  extra: z.string(),
});

/** A stored row checked as a StoredInstance; a row that does not fit is an error, never a guess. */
function instanceFromRow(key: InstanceKey, row: unknown): StoredInstance {
  const unreadable = (why: string, cause?: unknown) =>
    new Error(`A stored ${key.machine} instance is unreadable: ${why}`, { cause });
  const columns = InstanceRow.safeParse(row);
  if (!columns.success) throw unreadable(z.prettifyError(columns.error));
  let snapshot: unknown, extra: unknown;
  try {
    snapshot = JSON.parse(columns.data.snapshot);
    extra = JSON.parse(columns.data.extra);
  } catch (cause) {
    throw unreadable('not JSON', cause);
  }
  const { saved_at: savedAt, ...rest } = columns.data;
  const stored = StoredInstance.safeParse({ ...rest, snapshot, extra, savedAt });
  if (!stored.success) throw unreadable(z.prettifyError(stored.error));
  return stored.data;
}

/**
 * Persisted machine instances in the embedded SQLite file, shared by every process that opens it:
 * a lock row per instance taken with a single upsert, and a commit that checks the lock and the
 * revision and writes (the instance, and its journal's new rows), in one BEGIN IMMEDIATE transaction.
 */
export function createSqliteSnapshotStore(
  db: SqliteDatabase,
  options: Partial<SnapshotStoreOptions> = {},
): SnapshotStore {
  const { waitMs, lockTtlMs } = { ...SNAPSHOT_STORE_DEFAULTS, ...options };
  ensureSchema(db, SCHEMA);
  const statements = {
    takeLock: db.prepare(
      `INSERT INTO machine_locks (machine, id, token, until) VALUES (@machine, @id, @token, @until)
       ON CONFLICT (machine, id) DO UPDATE SET token = excluded.token, until = excluded.until
       WHERE machine_locks.until <= @now`,
    ),
    lockHolder: db.prepare<[string, string], { token: string; until: number }>(
      'SELECT token, until FROM machine_locks WHERE machine = ? AND id = ?',
    ),
    dropLock: db.prepare('DELETE FROM machine_locks WHERE machine = ? AND id = ? AND token = ?'),
    revision: db.prepare<[string, string, number], { revision: number }>(
      'SELECT revision FROM machine_instances WHERE machine = ? AND id = ? AND expires_at > ?',
    ),
    read: db.prepare<[string, string, number], Record<string, unknown>>(
      `SELECT machine, version, revision, snapshot, saved_at, extra FROM machine_instances
       WHERE machine = ? AND id = ? AND expires_at > ?`,
    ),
    write: db.prepare(
      `INSERT OR REPLACE INTO machine_instances
       (machine, id, version, revision, snapshot, saved_at, extra, expires_at)
       VALUES (@machine, @id, @version, @revision, @snapshot, @savedAt, @extra, @expiresAt)`,
    ),
    remove: db.prepare('DELETE FROM machine_instances WHERE machine = ? AND id = ?'),
    purgeExpired: db.prepare('DELETE FROM machine_instances WHERE expires_at <= ?'),
    purgeExpiredJournals: db.prepare(
      `DELETE FROM machine_journal WHERE (machine, id) IN
       (SELECT machine, id FROM machine_instances WHERE expires_at <= ?)`,
    ),
    // The newest `last` entries (-1: all), oldest first.
    journal: db.prepare<[string, string, number, number], { entry: string }>(
      `SELECT entry FROM (
         SELECT seq, entry FROM machine_journal j WHERE machine = ? AND id = ? AND EXISTS
         (SELECT 1 FROM machine_instances i WHERE i.machine = j.machine AND i.id = j.id
          AND i.expires_at > ?)
         ORDER BY seq DESC LIMIT ?)
       ORDER BY seq`,
    ),
    lastSeq: db.prepare<[string, string], { seq: number | null }>(
      'SELECT max(seq) AS seq FROM machine_journal WHERE machine = ? AND id = ?',
    ),
    addEntry: db.prepare(
      `INSERT INTO machine_journal (machine, id, seq, entry, bytes)
       VALUES (@machine, @id, @seq, @entry, @bytes)`,
    ),
    // The oldest entries beyond the newest ones that fit in the bound.
    trimJournal: db.prepare(
      `DELETE FROM machine_journal WHERE machine = @machine AND id = @id AND seq <= (
         SELECT max(seq) FROM (
           SELECT seq, sum(bytes) OVER (ORDER BY seq DESC) AS kept FROM machine_journal
           WHERE machine = @machine AND id = @id)
         WHERE kept > @keepBytes)`,
    ),
    removeJournal: db.prepare('DELETE FROM machine_journal WHERE machine = ? AND id = ?'),
  };

  /** Appends a save's journal entries and drops the oldest past its bound (in the save's transaction). */
  const appendJournal = (key: InstanceKey, { add, keepBytes }: JournalAppend) => {
    if (add.length === 0) return;
    let seq = statements.lastSeq.get(key.machine, key.id)?.seq ?? 0;
    for (const value of add) {
      const entry = JSON.stringify(value);
      seq += 1;
      statements.addEntry.run({ ...key, seq, entry, bytes: Buffer.byteLength(entry) });
    }
    statements.trimJournal.run({ ...key, keepBytes });
  };

  const readInstance = (key: InstanceKey) => {
    const row = statements.read.get(key.machine, key.id, Date.now());
    return row ? instanceFromRow(key, row) : null;
  };

  /** Takes the lock if it is free or expired, and loads the instance, in one transaction. */
  const tryAcquire = (key: InstanceKey, token: string) =>
    inWriteTransaction(db, SERVICE, () => {
      const now = Date.now();
      const taken = statements.takeLock.run({ ...key, token, until: now + lockTtlMs, now });
      return taken.changes === 1 ? { stored: readInstance(key) } : null;
    });

  const held = (key: InstanceKey, token: string, stored: StoredInstance | null): HeldInstance => {
    /** The commit dropped the lock in its transaction: nothing is left to release. */
    let released = false;
    return {
      stored,
      async commit(record, ttlMs, options = {}) {
        const revision = await inWriteTransaction(db, SERVICE, () => {
          const now = Date.now();
          if (options.notAfter !== undefined && now > options.notAfter) {
            throw new CommitTooLateError(key);
          }
          const lock = statements.lockHolder.get(key.machine, key.id);
          // Only the revision: the stored instance itself is not needed to save over it.
          const found = statements.revision.get(key.machine, key.id, now)?.revision ?? null;
          const expected = stored?.revision ?? null;
          if (lock?.token !== token || lock.until <= now || found !== expected) {
            throw new RevisionConflictError(key, expected ?? 0, found);
          }
          statements.purgeExpiredJournals.run(now);
          statements.purgeExpired.run(now);
          // A first save starts a new journal.
          if (found === null) statements.removeJournal.run(key.machine, key.id);
          const revision = (expected ?? 0) + 1;
          statements.write.run({
            ...key,
            version: record.version,
            revision,
            snapshot: JSON.stringify(record.snapshot),
            savedAt: record.savedAt,
            extra: JSON.stringify(record.extra),
            expiresAt: now + ttlMs,
          });
          if (options.journal) appendJournal(key, options.journal);
          statements.dropLock.run(key.machine, key.id, token);
          return revision;
        });
        released = true;
        return savedInstance(record, key.machine, revision);
      },
      async release() {
        if (released) return;
        released = true;
        await inWriteTransaction(db, SERVICE, () =>
          statements.dropLock.run(key.machine, key.id, token),
        );
      },
    };
  };

  return {
    async acquire(key) {
      const token = randomUUID();
      const deadline = Date.now() + waitMs;
      for (;;) {
        const got = await tryAcquire(key, token);
        if (got) return held(key, token, got.stored);
        if (Date.now() >= deadline) throw new InstanceBusyError();
        await sleep(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
      }
    },
    async load(key) {
      return reaching(SERVICE, () => readInstance(key));
    },
    async journal(key, { last } = {}) {
      if (last !== undefined && last < 1) return [];
      return reaching(SERVICE, () =>
        statements.journal
          .all(key.machine, key.id, Date.now(), last ?? -1)
          .map(({ entry }) => JSON.parse(entry) as unknown),
      );
    },
    async delete(key) {
      await inWriteTransaction(db, SERVICE, () => {
        statements.remove.run(key.machine, key.id);
        statements.removeJournal.run(key.machine, key.id);
      });
    },
    async close() {
      // The database belongs to the caller, who closes it once every store is done.
    },
  };
}
