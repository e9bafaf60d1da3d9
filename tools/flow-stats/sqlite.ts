import {
  ensureSchema,
  inWriteTransaction,
  reaching,
  type SqliteDatabase,
} from '../sqlite/database.ts';
import {
  advance,
  JOURNEY_RETENTION_MS,
  readJourney,
  type FlowStats,
  type Journey,
} from './port.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS flow_journeys (
  tag TEXT PRIMARY KEY,
  last_at INTEGER NOT NULL,
  journey TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS flow_journeys_by_last ON flow_journeys (last_at);
`;

const SERVICE = 'flow-stats';

/** Journeys in the embedded SQLite file, one small row per session, pruned after 90 days. */
export function createSqliteFlowStats(db: SqliteDatabase): FlowStats {
  ensureSchema(db, SCHEMA);
  const statements = {
    get: db.prepare<{ tag: string }, { journey: string }>(
      'SELECT journey FROM flow_journeys WHERE tag = @tag',
    ),
    put: db.prepare(
      'INSERT OR REPLACE INTO flow_journeys (tag, last_at, journey) VALUES (@tag, @lastAt, @journey)',
    ),
    since: db.prepare<{ since: number }, { journey: string }>(
      'SELECT journey FROM flow_journeys WHERE last_at >= @since',
    ),
    prune: db.prepare('DELETE FROM flow_journeys WHERE last_at < @before'),
  };
  return {
    async moved(tag, position) {
      await inWriteTransaction(db, SERVICE, () => {
        const previous = readJourney(statements.get.get({ tag })?.journey);
        const journey = advance(previous, position);
        statements.put.run({ tag, lastAt: journey.lastAt, journey: JSON.stringify(journey) });
        statements.prune.run({ before: journey.lastAt - JOURNEY_RETENTION_MS });
      });
    },
    async journeys(since) {
      return reaching(SERVICE, () => statements.since.all({ since: since.getTime() }))
        .map((row) => readJourney(row.journey))
        .filter((journey): journey is Journey => journey !== null);
    },
    async close() {},
  };
}
