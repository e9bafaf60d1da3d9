import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

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
