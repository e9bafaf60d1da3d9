import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { AirtableConfig } from '../../tools/airtable/client.ts';
import { createAirtableRegistrationRecords } from '../../tools/airtable/registrations.ts';
import { aRegistration } from '../contracts/registration-records.contract.ts';
import { startAirtableServer, type AirtableServer } from '../fakes/airtable-server.ts';

let server: AirtableServer | undefined;
afterEach(() => server?.close());

const configFor = (fake: AirtableServer, extra: Partial<AirtableConfig>): AirtableConfig => ({
  apiKey: fake.apiKey,
  baseId: fake.baseId,
  endpointUrl: fake.url,
  timeoutMs: 5_000,
  rateLimitRetry: { firstDelayMs: 50, maxDelayMs: 400 },
  ...extra,
});

/** An in-process stand-in for the shared limiter: `limit` starts per window, one after another. */
function slidingWindow(limit: number, windowMs: number) {
  const started: number[] = [];
  let queue = Promise.resolve();
  return (signal: AbortSignal) => {
    const turn = queue.then(async () => {
      for (;;) {
        const now = Date.now();
        while (started.length > 0 && now - (started[0] ?? 0) >= windowMs) started.shift();
        if (started.length < limit) {
          started.push(now);
          return;
        }
        await sleep(windowMs - (now - (started[0] ?? 0)), undefined, { signal });
      }
    });
    queue = turn.catch(() => undefined);
    return turn;
  };
}

const children = (count: number) =>
  Array.from({ length: count }, (_, i) => aRegistration({ player_first_name: `Child${i}` }));

describe('Airtable request rate', () => {
  it('counts the most requests the fake saw within any one second', async () => {
    server = await startAirtableServer();
    const records = createAirtableRegistrationRecords(configFor(server, {}));
    await Promise.all(children(7).map((fields) => records.upsert(fields)));
    expect(server.maxRequestsInAnySecond()).toBe(7);
  });

  it('retries the 429s of a burst over the limit until every record arrives', async () => {
    server = await startAirtableServer({ rateLimitPerSecond: 5 });
    const events: string[] = [];
    const records = createAirtableRegistrationRecords(
      configFor(server, { log: (event) => events.push(event) }),
    );
    await Promise.all(children(8).map((fields) => records.upsert(fields)));
    expect(events).toContain('airtable.rate_limited');
    expect(server.records('registrations_2526')).toHaveLength(8);
  });

  it('stays within 5 requests a second with a limiter plugged in as the throttle', async () => {
    server = await startAirtableServer({ rateLimitPerSecond: 5 });
    const events: string[] = [];
    const records = createAirtableRegistrationRecords(
      configFor(server, {
        throttle: slidingWindow(5, 1_050),
        log: (event) => events.push(event),
      }),
    );
    await Promise.all(children(11).map((fields) => records.upsert(fields)));
    expect(server.maxRequestsInAnySecond()).toBeLessThanOrEqual(5);
    expect(events).toEqual([]);
    expect(server.records('registrations_2526')).toHaveLength(11);
  });
});
