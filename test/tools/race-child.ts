/**
 * One of two processes racing on the same SQLite file (run by cross-process.test.ts):
 * `node --import tsx race-child.ts <label>`. Prints `ready`, then for each line on stdin,
 * `snapshot <database>` or `shirt <database> <numbers>`, races at once and prints JSON lines with
 * what it got (the snapshot race's winner prints `holding` and saves when told `commit`). Exits when
 * stdin ends.
 */
import { createInterface } from 'node:readline';
import { createSqliteRegistrationStore } from '../../tools/registrations/sqlite.ts';
import { InstanceBusyError } from '../../tools/snapshots/port.ts';
import { createSqliteSnapshotStore } from '../../tools/snapshots/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';

const label = process.argv[2] ?? 'racer';
const input = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const nextLine = async () => {
  const { value, done } = await input.next();
  return done ? null : String(value);
};
const print = (result: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify(result)}\n`);

async function raceForSnapshot(path: string) {
  const db = openDatabase(path);
  const store = createSqliteSnapshotStore(db, { waitMs: 100, lockTtlMs: 10_000 });
  try {
    const held = await store.acquire({ machine: 'session', id: 'raced' });
    print({ outcome: 'holding' });
    if ((await nextLine()) !== 'commit') throw new Error('expected commit');
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
for (let line = await nextLine(); line !== null; line = await nextLine()) {
  const [mode, path = '', numbers = '25'] = line.split(' ');
  print(
    mode === 'snapshot' ? await raceForSnapshot(path) : await raceForShirts(path, Number(numbers)),
  );
}
