import { z } from 'zod';
import {
  ensureSchema,
  inWriteTransactionNow,
  reaching,
  type SqliteDatabase,
} from '../sqlite/database.ts';
import type { TeamDirectory, TeamInfo } from './teams.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS teams (
  season TEXT NOT NULL,
  name_key TEXT NOT NULL,
  age_group_key TEXT NOT NULL,
  name TEXT NOT NULL,
  age_group TEXT NOT NULL,
  needs_new_kit INTEGER NOT NULL CHECK (needs_new_kit IN (0, 1)),
  PRIMARY KEY (season, name_key, age_group_key)
) WITHOUT ROWID;
`;

const SERVICE = 'teams';

/** A name compared as people do: any case, any accents, outer spaces ignored. */
const nameKey = (name: string) => name.normalize('NFD').replace(/\p{M}/gu, '').trim().toLowerCase();

const TeamRow = z
  .object({
    name: z.string(),
    age_group: z.string(),
    season: z.string(),
    needs_new_kit: z.union([z.literal(0), z.literal(1)]),
  })
  .transform((row): TeamInfo => ({
    name: row.name,
    ageGroup: row.age_group,
    season: row.season,
    needsNewKit: row.needs_new_kit === 1,
  }));

/** The embedded team list in the SQLite file, seeded from the club configuration when empty. */
export function createSqliteTeamDirectory(
  db: SqliteDatabase,
  seed: readonly TeamInfo[],
): TeamDirectory & { all(): TeamInfo[] } {
  ensureSchema(db, SCHEMA);
  const columns = 'name, age_group, season, needs_new_kit';
  const statements = {
    count: db.prepare<[], { teams: number }>('SELECT count(*) AS teams FROM teams'),
    insert: db.prepare(
      `INSERT OR IGNORE INTO teams (season, name_key, age_group_key, name, age_group, needs_new_kit)
       VALUES (@season, @nameKey, @ageGroupKey, @name, @ageGroup, @needsNewKit)`,
    ),
    find: db.prepare(
      `SELECT ${columns} FROM teams WHERE season = ? AND name_key = ? AND age_group_key = ?`,
    ),
    all: db.prepare(`SELECT ${columns} FROM teams ORDER BY season, age_group_key, name_key`),
  };
  inWriteTransactionNow(db, SERVICE, () => {
    if ((statements.count.get()?.teams ?? 0) > 0) return;
    for (const team of seed) {
      statements.insert.run({
        ...team,
        nameKey: nameKey(team.name),
        ageGroupKey: nameKey(team.ageGroup),
        needsNewKit: team.needsNewKit ? 1 : 0,
      });
    }
  });
  return {
    async find({ name, ageGroup, season }) {
      const row = reaching(SERVICE, () =>
        statements.find.get(season, nameKey(name), nameKey(ageGroup)),
      );
      return row ? TeamRow.parse(row) : null;
    },
    all: () => reaching(SERVICE, () => statements.all.all().map((row) => TeamRow.parse(row))),
  };
}
