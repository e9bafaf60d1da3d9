import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  inWriteTransaction,
  openDatabase,
  type SqliteDatabase,
} from '../../tools/sqlite/database.ts';

function database(): SqliteDatabase {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'sqlite-database-')), 'club.sqlite'));
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL)');
  return db;
}
const put = (db: SqliteDatabase, k: string, v: string) =>
  db.prepare('INSERT OR REPLACE INTO t (k, v) VALUES (?, ?)').run(k, v);
const all = (db: SqliteDatabase) => db.prepare('SELECT k, v FROM t ORDER BY k').all();

describe('inWriteTransaction', () => {
  it("commits the work's writes and returns its result, the same runner serving every call", () => {
    const db = database();
    expect(inWriteTransaction(db, 'test', () => put(db, 'a', '1').changes)).toBe(1);
    expect(inWriteTransaction(db, 'test', () => put(db, 'b', '2').changes)).toBe(1);
    expect(all(db)).toEqual([
      { k: 'a', v: '1' },
      { k: 'b', v: '2' },
    ]);
    expect(db.inTransaction).toBe(false);
  });

  it('rolls back everything the work wrote when it throws, and the error reaches the caller', () => {
    const db = database();
    put(db, 'a', 'kept');
    expect(() =>
      inWriteTransaction(db, 'test', () => {
        put(db, 'a', 'changed');
        put(db, 'b', 'added');
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(all(db)).toEqual([{ k: 'a', v: 'kept' }]);
    expect(db.inTransaction).toBe(false);
  });

  it('nests: a failed inner transaction is undone alone when the outer one carries on', () => {
    const db = database();
    inWriteTransaction(db, 'test', () => {
      put(db, 'outer', '1');
      expect(() =>
        inWriteTransaction(db, 'test', () => {
          put(db, 'inner', '1');
          throw new Error('inner refused');
        }),
      ).toThrow('inner refused');
    });
    expect(all(db)).toEqual([{ k: 'outer', v: '1' }]);
  });

  it('keeps each database to its own transactions', () => {
    const first = database();
    const second = database();
    inWriteTransaction(first, 'test', () => {
      put(first, 'a', 'first');
      expect(second.inTransaction).toBe(false);
      inWriteTransaction(second, 'test', () => put(second, 'a', 'second'));
    });
    expect(all(first)).toEqual([{ k: 'a', v: 'first' }]);
    expect(all(second)).toEqual([{ k: 'a', v: 'second' }]);
  });
});
