import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSqliteRegistrationStore } from '../../tools/registrations/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import {
  registrationFixture,
  registrationStoreContract,
} from '../contracts/registration-store.contract.ts';
import { tempDatabasePath } from './temp-database.ts';

registrationStoreContract('SQLite', async () => {
  const db = openDatabase(tempDatabasePath('registrations'));
  return {
    store: createSqliteRegistrationStore(db),
    close: async () => {
      db.close();
    },
  };
});

describe('the SQLite registration store with many registrations', () => {
  it('adds the query keys to a file written before they existed, once, and finds its rows', async () => {
    const path = tempDatabasePath('registrations-old');
    const old = openDatabase(path);
    old.exec(
      `CREATE TABLE registrations (id TEXT NOT NULL UNIQUE, fields TEXT NOT NULL, updated_at TEXT NOT NULL);
       INSERT INTO registrations VALUES ('leo', '${JSON.stringify(registrationFixture()).replaceAll("'", "''")}', 'then');
       INSERT INTO registrations VALUES ('bad', 'not json', 'then');`,
    );
    old.close();
    const db = openDatabase(path);
    try {
      const store = createSqliteRegistrationStore(db);
      const family = {
        parentFirstName: 'Sarah',
        parentLastName: "O'Brien",
        childLastName: "O'Brien",
      };
      expect((await store.find({ season: '2526', family })).map((r) => r.id)).toEqual(['leo']);
      expect((await store.find({ season: '2526', team: 'Lions' })).map((r) => r.id)).toEqual([
        'leo',
      ]);
      // A second opening finds the columns there and changes nothing.
      createSqliteRegistrationStore(db);
      expect(await store.get('leo')).toEqual({ id: 'leo', fields: registrationFixture() });
    } finally {
      db.close();
    }
  });

  it('rewrites only the row when a change keeps what it is found by, and its index entries when not', async () => {
    const path = tempDatabasePath('registrations-rewrite');
    const db = openDatabase(path);
    // Pages written to the WAL since the last checkpoint (each frame is a page and its header).
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    const framesOf = async (write: () => Promise<void>) => {
      db.pragma('wal_checkpoint(TRUNCATE)');
      await write();
      return (statSync(`${path}-wal`).size - 32) / (pageSize + 24);
    };
    try {
      const store = createSqliteRegistrationStore(db);
      await store.upsert('leo', registrationFixture());
      const lions = { season: '2526', team: 'Lions' };
      // A payment field: the row's page alone.
      expect(await framesOf(() => store.update('leo', { billing_request_id: 'BR1' }))).toBe(1);
      expect(await store.get('leo')).toMatchObject({ fields: { billing_request_id: 'BR1' } });
      expect((await store.find(lions)).map((r) => r.id)).toEqual(['leo']);
      // The team: found under the new one, no longer under the old.
      expect(await framesOf(() => store.update('leo', { team: 'Tigers' }))).toBeGreaterThan(1);
      expect((await store.find({ season: '2526', team: 'Tigers' })).map((r) => r.id)).toEqual([
        'leo',
      ]);
      expect(await store.find(lions)).toEqual([]);
    } finally {
      db.close();
    }
  });

  it.each([
    [
      'a family',
      'SELECT id FROM registrations WHERE season = ? AND family_key = ?',
      'registrations_by_family',
    ],
    [
      'a team',
      'SELECT id FROM registrations WHERE season = ? AND team_key = ?',
      'registrations_by_team',
    ],
    [
      "a team's shirt number",
      'SELECT registration_id FROM shirt_numbers WHERE season = ? AND team = ? AND age_group = ? AND number = ?',
      'PRIMARY KEY',
    ],
    [
      "a registration's shirt numbers",
      'SELECT * FROM shirt_numbers WHERE registration_id = ?',
      'shirt_numbers_by_holder',
    ],
  ])('reads %s from an index, never the whole table', (_, sql, index) => {
    const db = openDatabase(':memory:');
    try {
      createSqliteRegistrationStore(db);
      const plan = db
        .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 'x'))
        .map((step) => step.detail)
        .join('; ');
      expect(plan).toContain(index);
      expect(plan).not.toMatch(/^SCAN/);
    } finally {
      db.close();
    }
  });
});
