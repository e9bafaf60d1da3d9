import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteRegistrationStore } from '../../tools/registrations/sqlite.ts';
import { createSqliteSnapshotStore } from '../../tools/snapshots/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import { registrationFixture } from '../contracts/registration-store.contract.ts';
import { runScript, type ScriptProcess } from './child-process.ts';
import { tempDatabasePath } from './temp-database.ts';

const RACER = join(import.meta.dirname, 'race-child.ts');
const SHIRT_NUMBERS = 25;
let racers: ScriptProcess[] = [];
beforeAll(async () => {
  racers = ['a', 'b'].map((label) => runScript(RACER, [label]));
  await Promise.all(racers.map((racer) => racer.line((line) => line === 'ready')));
});
afterAll(async () => {
  racers.forEach(({ child }) => child.stdin.end());
  expect(await Promise.all(racers.map((racer) => racer.exited))).toEqual([0, 0]);
});

/** Sends `command` to each racer (at once) and returns the next JSON line each prints. */
async function tell(who: ScriptProcess[], command: string) {
  const before = who.map((racer) => racer.lines.length);
  who.forEach((racer) => racer.child.stdin.write(`${command}\n`));
  const results = await Promise.all(
    who.map((racer, i) => racer.line((line, n) => n >= before[i]! && line.startsWith('{'))),
  );
  return results.map((line) => JSON.parse(line) as Record<string, unknown>);
}
const race = (command: string) => tell(racers, command);

describe('two processes on the same SQLite file', () => {
  it('take turns on one snapshot instance: exactly one holds it and saves', async () => {
    const path = tempDatabasePath('race-snapshot');
    const [a, b] = await race(`snapshot ${path}`);
    expect([a?.outcome, b?.outcome].sort()).toEqual(['busy', 'holding']);
    const winner = a?.outcome === 'holding' ? 'a' : 'b';
    expect(await tell([racers[winner === 'a' ? 0 : 1]!], 'commit')).toEqual([{ outcome: 'won' }]);
    const db = openDatabase(path);
    const stored = await createSqliteSnapshotStore(db).load({ machine: 'session', id: 'raced' });
    expect(stored).toMatchObject({
      revision: 1,
      snapshot: { winner },
    });
    db.close();
  });

  it(`give each of ${SHIRT_NUMBERS} shirt numbers of a team to exactly one child`, async () => {
    const path = tempDatabasePath('race-shirt');
    const db = openDatabase(path);
    const store = createSqliteRegistrationStore(db);
    for (let number = 1; number <= SHIRT_NUMBERS; number += 1) {
      for (const label of ['a', 'b'])
        await store.upsert(`${label}-${number}`, registrationFixture());
    }
    const [a, b] = (await race(`shirt ${path} ${SHIRT_NUMBERS}`)) as { results: string[] }[];
    const pairs = a!.results.map((result, i) => [result, b!.results[i]].sort().join('/'));
    expect(pairs).toEqual(Array(SHIRT_NUMBERS).fill('reserved/taken'));
    const holders = (await store.list()).filter((r) => r.fields.shirt_number !== undefined);
    expect(holders.map((r) => Number(r.fields.shirt_number)).sort((x, y) => x - y)).toEqual(
      Array.from({ length: SHIRT_NUMBERS }, (_, i) => i + 1),
    );
    db.close();
  });
});
