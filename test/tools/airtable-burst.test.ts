import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startAirtableServer, type AirtableServer } from '../fakes/airtable-server.ts';
import { eventually } from '../support/http.ts';
import { runScript, type ScriptProcess } from './child-process.ts';

const CHILD = join(import.meta.dirname, 'airtable-records-child.ts');

let server: AirtableServer;
const children: ScriptProcess[] = [];
beforeAll(async () => {
  // the fake answers 429 over 5 a second, as Airtable does: a request over the limit would show
  server = await startAirtableServer({ baseId: 'appFAKEBASE000001', rateLimitPerSecond: 5 });
});
afterAll(async () => {
  server.setDown(false);
  for (const child of children) child.child.stdin.end();
  await Promise.all(children.map((child) => child.exited));
  await server.close();
});

const table = () => server.records('registrations_2526');
const arrived = (count: number, timeoutMs: number) =>
  eventually(async () => {
    if (table().length < count) throw new Error(`${table().length} of ${count} records`);
  }, timeoutMs);

describe('the records queue of two product processes on one Airtable base', () => {
  it('keeps a burst of 50 registrations under 5 requests a second, through an outage, and every record arrives', async () => {
    const env = {
      ...process.env,
      REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: `burst-${process.pid}-${Date.now().toString(36)}.`,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'burst-')),
      AIRTABLE_API_KEY: server.apiKey,
      AIRTABLE_BASE_ID: server.baseId,
      AIRTABLE_ENDPOINT_URL: server.url,
      NODE_ENV: 'test',
      // The fixtures were written in August 2025: keep the unfinished-registration purge away.
      UNFINISHED_RETENTION_DAYS: '3650',
    };
    for (const label of ['a', 'b']) children.push(runScript(CHILD, [label], env));
    await Promise.all(children.map((child) => child.line((line) => line === 'ready')));
    const register = (from: number, count: number) =>
      Promise.all(
        children.map((child) => {
          child.child.stdin.write(`register ${from} ${count}\n`);
          return child.line((line) => line === `registered ${from}`);
        }),
      );

    await register(0, 15);
    await arrived(8, 10_000);
    // Airtable goes down in the middle: 3 s here, standing for an hour with the production
    // backoff (15 s doubling over 10 runs, about 2 hours); the processes use 100 ms doubling
    server.setDown(true);
    await register(15, 10);
    await sleep(3_000);
    const duringOutage = table().length;
    server.setDown(false);

    await arrived(50, 30_000);
    expect(duringOutage).toBeLessThan(50);
    const names = table().map((record) => String(record.fields.player_first_name));
    expect(new Set(names).size).toBe(50);
    expect(server.maxRequestsInAnySecond()).toBeLessThanOrEqual(5);
    const lines = children.flatMap((child) => child.lines);
    expect(lines.filter((line) => line.includes('airtable.rate_limited'))).toEqual([]);
    expect(lines.filter((line) => line.includes('records.rejected'))).toEqual([]);
  }, 60_000);
});
