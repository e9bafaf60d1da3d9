/**
 * One of two processes racing on the same SQLite file (run by cross-process.test.ts):
 * `node --import tsx race-child.ts <label>`. Prints `ready`, then for each line on stdin,
 * `snapshot <database>` or `shirt <database> <numbers>`, races at once and prints one JSON line
 * with what it got. Exits when stdin ends.
 */
import { createInterface } from 'node:readline';
import { createSqliteRegistrationStore } from '../../tools/registrations/sqlite.ts';
import { InstanceBusyError } from '../../tools/snapshots/port.ts';
import { createSqliteSnapshotStore } from '../../tools/snapshots/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';

/** How long the winner of the snapshot race holds the lock: far longer than the loser waits. */
const HOLD_MS = 500;

const label = process.argv[2] ?? 'racer';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function raceForSnapshot(path: string) {
  const db = openDatabase(path);
  const store = createSqliteSnapshotStore(db, { waitMs: 100, lockTtlMs: 10_000 });
  try {
    const held = await store.acquire({ machine: 'session', id: 'raced' });
    await sleep(HOLD_MS);
    const record = { version: '1', snapshot: { winner: label }, savedAt: 'now', extra: {} };
    await held.commit(record, 60_000);
    return { outcome: 'won' };
  } catch (error) {
    if (error instanceof InstanceBusyError) return { outcome: 'busy' };
    throw error;
  } finally {
    db.close();
  }
}

async function raceForShirts(path: string, numbers: number) {
  const db = openDatabase(path);
  const store = createSqliteRegistrationStore(db);
  const results: string[] = [];
  for (let number = 1; number <= numbers; number += 1) {
    const request = { registrationId: `${label}-${number}`, team: 'Lions', ageGroup: 'u10' };
    results.push(await store.reserveShirtNumber({ ...request, season: '2526', number }));
    await new Promise((resolve) => setImmediate(resolve));
  }
  db.close();
  return { results };
}

process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const [mode, path = '', numbers = '25'] = line.split(' ');
  const result =
    mode === 'snapshot' ? await raceForSnapshot(path) : await raceForShirts(path, Number(numbers));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
