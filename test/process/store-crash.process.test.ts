import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteKeyValueStore } from '../../tools/kv/sqlite.ts';
import { createSqliteRegistrationStore } from '../../tools/registrations/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import { runScript, type ScriptProcess } from '../tools/child-process.ts';
import { tempDatabasePath } from '../tools/temp-database.ts';

const WRITER = join(import.meta.dirname, '../tools/write-loop.ts');
const ROUNDS = 5;
const SEED = 0x5eed7;

/** mulberry32: the same kill moments on every run. */
function seededRandom(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const started: ScriptProcess[] = [];
afterAll(() => started.forEach(({ child }) => child.kill('SIGKILL')));

/** A writer started ahead of its round, so that its start-up overlaps the previous round. */
function writer(path: string, round: number) {
  const process = runScript(WRITER, [path, String(round)]);
  started.push(process);
  return process;
}

describe('a loop of writes SIGKILLed at random moments', () => {
  it('leaves a file that passes the integrity check and holds every acknowledged write', async () => {
    const path = tempDatabasePath('crash');
    const random = seededRandom(SEED);
    const acknowledged = { reg: 0, kv: 0 };
    let next = writer(path, 0);
    for (let round = 0; round < ROUNDS; round += 1) {
      const current = next;
      await current.line((line) => line === 'ready');
      current.child.stdin.write('go\n');
      if (round + 1 < ROUNDS) next = writer(path, round + 1);
      await current.line((line) => line.startsWith('ack'));
      await sleep(20 + Math.floor(random() * 280));
      current.child.kill('SIGKILL');
      await current.exited;

      const db = openDatabase(path);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const registrations = createSqliteRegistrationStore(db);
      const kv = createSqliteKeyValueStore(db, 'crash');
      for (const line of current.lines.filter((l) => l.startsWith('ack '))) {
        const [, kind, id = ''] = line.split(' ');
        const i = Number(id.split('-')[1]);
        if (kind === 'reg') {
          expect((await registrations.get(id))?.fields.payment_follow_up_count, line).toBe(i);
          acknowledged.reg += 1;
        } else {
          expect(await kv.get(id), line).toMatchObject({ round: String(round), i });
          acknowledged.kv += 1;
        }
      }
      db.close();
    }
    expect(acknowledged.reg).toBeGreaterThanOrEqual(ROUNDS);
    expect(acknowledged.kv).toBeGreaterThanOrEqual(ROUNDS);
  });
});
