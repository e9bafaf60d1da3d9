import { openDatabase, type SqliteDatabase } from '../../tools/sqlite/database.ts';

/**
 * A second connection to the SQLite file at `path`, as another process would hold it, with the
 * file's write lock taken (BEGIN IMMEDIATE) until it ends that transaction or is closed.
 */
export function lockedByAnother(path: string): SqliteDatabase {
  const other = openDatabase(path);
  other.exec('BEGIN IMMEDIATE');
  return other;
}
