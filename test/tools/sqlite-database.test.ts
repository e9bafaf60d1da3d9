import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkpointsIn,
  inWriteTransaction,
  inWriteTransactionNow,
  LONG_LOG_PAGES,
  openDatabase,
  type SqliteDatabase,
} from '../../tools/sqlite/database.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';
import { lockedByAnother } from '../support/sqlite.ts';

const newFile = () => join(mkdtempSync(join(tmpdir(), 'sqlite-database-')), 'club.sqlite');

function database(path = newFile(), busyTimeoutMs?: number): SqliteDatabase {
  const db = openDatabase(path, busyTimeoutMs === undefined ? {} : { busyTimeoutMs });
  db.exec('CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v TEXT NOT NULL)');
  return db;
}
const put = (db: SqliteDatabase, k: string, v: string) =>
  db.prepare('INSERT OR REPLACE INTO t (k, v) VALUES (?, ?)').run(k, v);
const all = (db: SqliteDatabase) => db.prepare('SELECT k, v FROM t ORDER BY k').all();

describe('inWriteTransaction', () => {
  it("commits the work's writes and resolves to its result", async () => {
    const db = database();
    expect(await inWriteTransaction(db, 'test', () => put(db, 'a', '1').changes)).toBe(1);
    expect(await inWriteTransaction(db, 'test', () => put(db, 'b', '2').changes)).toBe(1);
    expect(all(db)).toEqual([
      { k: 'a', v: '1' },
      { k: 'b', v: '2' },
    ]);
    expect(db.inTransaction).toBe(false);
  });

  it('rolls back everything the work wrote when it throws, and the error reaches the caller', async () => {
    const db = database();
    put(db, 'a', 'kept');
    await expect(
      inWriteTransaction(db, 'test', () => {
        put(db, 'a', 'changed');
        put(db, 'b', 'added');
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(all(db)).toEqual([{ k: 'a', v: 'kept' }]);
    expect(db.inTransaction).toBe(false);
  });

  it("waits for another connection's write lock without blocking the thread, then writes", async () => {
    const path = newFile();
    const db = database(path);
    const other = lockedByAnother(path);
    const order: string[] = [];
    const writing = inWriteTransaction(db, 'test', () => put(db, 'a', 'mine')).then(() =>
      order.push('written'),
    );
    // SQLite's own wait would hold the thread here until the busy timeout: no timer could run.
    await new Promise((resolve) => setTimeout(resolve, 30));
    order.push('timer ran');
    expect(all(db)).toEqual([]);
    put(other, 'a', 'theirs');
    other.exec('COMMIT');
    await writing;
    expect(order).toEqual(['timer ran', 'written']);
    expect(all(db)).toEqual([{ k: 'a', v: 'mine' }]);
    expect(db.inTransaction).toBe(false);
  });

  it('leaves the stack limit as it was while it tries for a held lock, and while the work runs', async () => {
    const path = newFile();
    const db = database(path);
    const other = lockedByAnother(path);
    const limits: number[] = [];
    const writing = inWriteTransaction(db, 'test', () => {
      limits.push(Error.stackTraceLimit);
      return put(db, 'a', 'mine');
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    limits.push(Error.stackTraceLimit);
    other.exec('COMMIT');
    await writing;
    limits.push(Error.stackTraceLimit);
    // The work and everything around the tries run with the process's own limit.
    expect(limits).toEqual([Error.stackTraceLimit, Error.stackTraceLimit, Error.stackTraceLimit]);
    expect(Error.stackTraceLimit).toBeGreaterThan(0);
  });

  it('reports the store unavailable when the lock is held past the busy timeout, writing nothing', async () => {
    const path = newFile();
    const db = database(path, 50);
    const other = lockedByAnother(path);
    const ran: string[] = [];
    const error = await inWriteTransaction(db, 'registrations', () => {
      ran.push('work');
      return put(db, 'a', 'mine');
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ToolUnavailableError);
    expect(error).toMatchObject({ service: 'registrations' });
    expect(ran).toEqual([]);
    other.exec('ROLLBACK');
    expect(all(db)).toEqual([]);
    expect(db.inTransaction).toBe(false);
  });

  it('refuses to start inside another write transaction, which carries on', async () => {
    const db = database();
    let inner: Promise<unknown> = Promise.resolve();
    await inWriteTransaction(db, 'test', () => {
      put(db, 'outer', '1');
      inner = inWriteTransaction(db, 'test', () => put(db, 'inner', '1'));
    });
    await expect(inner).rejects.toThrow('cannot start inside another');
    expect(all(db)).toEqual([{ k: 'outer', v: '1' }]);
  });

  it('keeps each database to its own transactions', async () => {
    const first = database();
    const second = database();
    await inWriteTransaction(first, 'test', () => {
      put(first, 'a', 'first');
      expect(second.inTransaction).toBe(false);
      void inWriteTransaction(second, 'test', () => put(second, 'a', 'second'));
      expect(second.inTransaction).toBe(false);
    });
    expect(all(first)).toEqual([{ k: 'a', v: 'first' }]);
    expect(all(second)).toEqual([{ k: 'a', v: 'second' }]);
  });
});

describe('inWriteTransactionNow (setting up a store)', () => {
  it('commits at once, or rolls back and throws', () => {
    const db = database();
    expect(inWriteTransactionNow(db, 'test', () => put(db, 'a', '1').changes)).toBe(1);
    expect(() =>
      inWriteTransactionNow(db, 'test', () => {
        put(db, 'b', '2');
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(all(db)).toEqual([{ k: 'a', v: '1' }]);
  });

  it("waits for another connection's lock as SQLite does, then reports the store unavailable", () => {
    const path = newFile();
    const db = database(path, 50);
    const other = lockedByAnother(path);
    expect(() => inWriteTransactionNow(db, 'teams', () => put(db, 'a', '1'))).toThrow(
      ToolUnavailableError,
    );
    other.exec('ROLLBACK');
    expect(all(db)).toEqual([]);
  });
});

describe('checkpointsIn', () => {
  /** Pages in the file's write-ahead log now (since it last started again), as a checkpoint reports them. */
  const logPages = (path: string) => {
    const probe = openDatabase(path);
    try {
      const [row] = probe.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
      return row?.log ?? 0;
    } finally {
      probe.close();
    }
  };
  /** One transaction per row of about a page, each a page or more of log. */
  const writePages = (db: SqliteDatabase, count: number, from = 0) => {
    for (let i = from; i < from + count; i++) put(db, `k${i}`, 'x'.repeat(3_000));
  };

  it('elsewhere: leaves a long log to the worker rather than copy it in a commit', () => {
    const path = newFile();
    const db = database(path);
    checkpointsIn(db, 'elsewhere');
    writePages(db, 1_200);
    // SQLite's default would have checkpointed and started the log again at 1,000 pages.
    expect(logPages(path)).toBeGreaterThan(1_200);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(LONG_LOG_PAGES);
  });

  it('here: checkpoints in the background, so the next write starts the log again', async () => {
    const path = newFile();
    const web = database(path);
    checkpointsIn(web, 'elsewhere');
    writePages(web, 300);
    const worker = openDatabase(path);
    const stop = checkpointsIn(worker, 'here', { everyMs: 10 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 60));
      writePages(web, 1, 300);
      expect(logPages(path)).toBeLessThan(10);
    } finally {
      stop();
    }
  });
});
