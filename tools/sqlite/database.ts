import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ToolUnavailableError } from '../tool.ts';

export type SqliteDatabase = Database.Database;

/** How long a statement waits for another process's write lock before failing. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (or creates) the embedded SQLite database shared by every embedded store and every process
 * on this machine: WAL journal, synchronous NORMAL (durable at each checkpoint, never corrupt),
 * readable by the owner only. `:memory:` gives a private in-memory database (tests).
 */
export function openDatabase(path: string): SqliteDatabase {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Create the file with mode 600 before SQLite does (it would use the umask).
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('foreign_keys = ON');
  return db;
}

/** Runs `sql` (CREATE TABLE IF NOT EXISTS …) once per database: each store declares its own tables. */
export function ensureSchema(db: SqliteDatabase, sql: string): void {
  db.exec(sql);
}

/**
 * Runs `work` as one BEGIN IMMEDIATE transaction: it takes the file's write lock first, so that two
 * processes never both read and then both write. Another process holding the lock for longer than
 * the busy timeout makes the store unavailable (ToolUnavailableError), never a wrong answer.
 */
export function inWriteTransaction<T>(db: SqliteDatabase, service: string, work: () => T): T {
  return reaching(service, () => db.transaction(work).immediate());
}

/** Runs a read; a file locked for longer than the busy timeout is an unavailable store. */
export function reaching<T>(service: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (isBusy(error)) throw new ToolUnavailableError(service, { cause: error });
    throw error;
  }
}

const isBusy = (error: unknown) =>
  error instanceof Database.SqliteError && /^SQLITE_(BUSY|LOCKED)/.test(error.code);

/** Whether `error` is a UNIQUE or PRIMARY KEY constraint refusing a row. */
export const isUniqueViolation = (error: unknown) =>
  error instanceof Database.SqliteError &&
  (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY');
