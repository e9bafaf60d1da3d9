import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ToolUnavailableError } from '../tool.ts';

export type SqliteDatabase = Database.Database;

/** How long a write waits for another process's write lock before failing (by default). */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (or creates) the embedded SQLite database shared by every embedded store and every process
 * on this machine: WAL journal, synchronous NORMAL (durable at each checkpoint, never corrupt),
 * readable by the owner only. `:memory:` gives a private in-memory database (tests).
 */
export function openDatabase(
  path: string,
  { busyTimeoutMs = BUSY_TIMEOUT_MS }: { busyTimeoutMs?: number } = {},
): SqliteDatabase {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Create the file with mode 600 before SQLite does (it would use the umask).
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
  }
  const db = new Database(path, { timeout: busyTimeoutMs });
  // Two processes opening a new file at once (web and worker starting together) race to switch
  // it to WAL; SQLite answers the loser SQLITE_BUSY at once, without its busy handler.
  whileBusy(busyTimeoutMs, () => {
    if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
  });
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
}

/** Runs `work`, again every few milliseconds while the file is busy, for up to the busy timeout. */
function whileBusy(timeoutMs: number, work: () => void): void {
  const deadline = Date.now() + timeoutMs;
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

/** How often the process that checkpoints does (see checkpointsIn). */
const CHECKPOINT_EVERY_MS = 1_000;
/** Log pages past which a process that leaves checkpoints to another does one itself. */
export const LONG_LOG_PAGES = 20_000;

/**
 * Which process copies the write-ahead log back into the database file (a checkpoint, with an
 * fsync). SQLite's default is whichever connection's commit takes the log past 1,000 pages: in the
 * web process, a parent's turn, holding the event loop, and every other parent's turn with it, for
 * the copy and the disk. So the process that runs the job workers checkpoints every second in the
 * background (PASSIVE: it never waits for a reader or a writer), and a web process beside it
 * ('elsewhere') does one only if the log grows past LONG_LOG_PAGES (about 80 MB), as when no
 * worker runs. Returns what stops the background checkpoints.
 */
export function checkpointsIn(
  db: SqliteDatabase,
  where: 'here' | 'elsewhere',
  {
    everyMs = CHECKPOINT_EVERY_MS,
    onError,
  }: { everyMs?: number; onError?: (error: unknown) => void } = {},
): () => void {
  if (where === 'elsewhere') {
    db.pragma(`wal_autocheckpoint = ${LONG_LOG_PAGES}`);
    return () => {};
  }
  const timer = setInterval(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      onError?.(error);
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Runs `sql` (CREATE TABLE IF NOT EXISTS …) once per database: each store declares its own tables. */
export function ensureSchema(db: SqliteDatabase, sql: string): void {
  db.exec(sql);
}

/**
 * Runs `work` as one BEGIN IMMEDIATE transaction: it takes the file's write lock first, so that two
 * processes never both read and then both write.
 *
 * Another process holding the lock is waited for without blocking this one. SQLite's own wait (its
 * busy handler) sleeps the whole thread, every parent's turn in this process with it, for 1 to 100
 * ms at a time: measured under load, the web process slept 3% of the time while the worker process
 * wrote. So the lock is tried without that wait and tried again from the event loop (at once, then
 * after 1, 2, 4 … 16 ms). Held for longer than the busy timeout, the store is unavailable
 * (ToolUnavailableError), never a wrong answer. `work` runs once, with the lock held, and rolls back
 * everything it wrote if it throws. It must not start another write transaction.
 */
export async function inWriteTransaction<T>(
  db: SqliteDatabase,
  service: string,
  work: () => T,
): Promise<T> {
  const lock = writeLockOf(db);
  const deadline = Date.now() + lock.timeoutMs;
  for (let tries = 0; !lock.take(); tries++) {
    if (Date.now() >= deadline) {
      throw new ToolUnavailableError(service, {
        cause: new Error(`the write lock was held for more than ${lock.timeoutMs} ms`),
      });
    }
    await pause(tries);
  }
  return reaching(service, () => lock.runHolding(work));
}

/**
 * Runs `work` as one BEGIN IMMEDIATE transaction now, waiting for the write lock as SQLite does (the
 * thread sleeps): for setting up a store when it is created, where nothing else waits on the thread.
 */
export function inWriteTransactionNow<T>(db: SqliteDatabase, service: string, work: () => T): T {
  return reaching(service, () => writeLockOf(db).transaction(work));
}

/** At once, at once again, then 1, 2, 4, 8 and 16 ms, and every 16 ms after. */
const pause = (tries: number) =>
  new Promise<void>((resolve) => {
    if (tries < 2) setImmediate(resolve);
    else setTimeout(resolve, Math.min(2 ** (tries - 2), 16));
  });

type WriteLock = {
  /** The busy timeout the database was opened with. */
  timeoutMs: number;
  /** BEGIN IMMEDIATE without SQLite's wait: false when another connection holds the lock. */
  take(): boolean;
  /** Runs `work` in the transaction `take` began: COMMIT, or ROLLBACK and rethrow. */
  runHolding<T>(work: () => T): T;
  /** BEGIN IMMEDIATE with SQLite's wait, `work`, COMMIT (better-sqlite3's transaction). */
  transaction<T>(work: () => T): T;
};

/** Each database's statements for taking the write lock, prepared once. */
const writeLocks = new WeakMap<SqliteDatabase, WriteLock>();

function writeLockOf(db: SqliteDatabase): WriteLock {
  let lock = writeLocks.get(db);
  if (lock) return lock;
  const timeoutMs = Number(db.pragma('busy_timeout', { simple: true }));
  // SQLite applies PRAGMA busy_timeout when the statement is prepared, not when it runs: executed
  // afresh each time (about 0.6 µs).
  const noWait = () => db.exec('PRAGMA busy_timeout = 0');
  const wait = () => db.exec(`PRAGMA busy_timeout = ${timeoutMs}`);
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  const immediate = db.transaction((work: () => unknown) => work()).immediate;
  lock = {
    timeoutMs,
    take() {
      if (db.inTransaction) throw new Error('A write transaction cannot start inside another');
      noWait();
      // Another process holding the lock is expected here and its error is never shown: it is
      // made without a stack (capturing one was most of the cost of a try that found the lock
      // held). Any other error gets its stack from here.
      const stackTraceLimit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        begin.run();
        return true;
      } catch (error) {
        if (isBusy(error)) return false;
        Error.stackTraceLimit = stackTraceLimit;
        if (error instanceof Error) Error.captureStackTrace(error);
        throw error;
      } finally {
        Error.stackTraceLimit = stackTraceLimit;
        wait();
      }
    },
    runHolding<T>(work: () => T) {
      try {
        const result = work();
        commit.run();
        return result;
      } catch (error) {
        if (db.inTransaction) rollback.run();
        throw error;
      }
    },
    transaction: <T>(work: () => T) => immediate(work) as T,
  };
  writeLocks.set(db, lock);
  return lock;
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
