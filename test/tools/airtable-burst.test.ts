import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  for (const child of children) child.child.stdin.end();
  await Promise.all(children.map((child) => child.exited));
  await server.close();
});

describe('the records queue of two product processes on one Airtable base', () => {
  it('keeps a burst of 50 registrations under 5 requests a second, and every record arrives', async () => {
    const env = {
      ...process.env,
      REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: `burst-${process.pid}-${Date.now().toString(36)}.`,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'burst-')),
      AIRTABLE_API_KEY: server.apiKey,
      AIRTABLE_BASE_ID: server.baseId,
      AIRTABLE_ENDPOINT_URL: server.url,
      NODE_ENV: 'test',
    };
    for (const label of ['a', 'b']) {
      children.push(runScript(CHILD, [label, '25'], env));
    }
    await Promise.all(children.map((child) => child.line((line) => line === 'registered')));
    const table = () => server.records('registrations_2526');
    await eventually(async () => {
      if (table().length < 50) throw new Error(`${table().length} of 50 records`);
    }, 25_000);
    const names = table().map((record) => String(record.fields.player_first_name));
    expect(new Set(names).size).toBe(50);
    expect(server.maxRequestsInAnySecond()).toBeLessThanOrEqual(5);
    expect(server.requests.filter((request) => request.method === 'PATCH')).toHaveLength(50);
    const lines = children.flatMap((child) => child.lines);
    expect(lines.filter((line) => line.includes('airtable.rate_limited'))).toEqual([]);
  }, 40_000);
});
