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
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  // Two processes opening a new file at once (web and worker starting together) race to switch
  // it to WAL; SQLite answers the loser SQLITE_BUSY at once, without its busy handler.
  whileBusy(() => {
    if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
  });
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
}

/** Runs `work`, again every few milliseconds while the file is busy, for up to the busy timeout. */
function whileBusy(work: () => void): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      work();
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
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
  const immediate = immediateOf(db);
  return reaching(service, () => immediate(work) as T);
}

/** Each database's BEGIN IMMEDIATE runner, made once: db.transaction() builds five functions. */
const immediates = new WeakMap<SqliteDatabase, (work: () => unknown) => unknown>();

function immediateOf(db: SqliteDatabase) {
  let immediate = immediates.get(db);
  if (!immediate) {
    immediate = db.transaction((work: () => unknown) => work()).immediate;
    immediates.set(db, immediate);
  }
  return immediate;
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
