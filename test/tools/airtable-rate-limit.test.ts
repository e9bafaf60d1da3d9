import { afterEach, describe, expect, it } from 'vitest';
import type { AirtableConfig } from '../../tools/airtable/client.ts';
import { createAirtableRegistrationRecords } from '../../tools/airtable/registrations.ts';
import { createMemorySchedule } from '../../tools/rate-limit/schedule.ts';
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

  it('stays within 5 requests a second with the waiting schedule plugged in as the throttle', async () => {
    server = await startAirtableServer({ rateLimitPerSecond: 5 });
    // the product's schedule (server/compose.ts): one request per 250 ms, each waiting its turn
    const schedule = createMemorySchedule(250);
    const events: string[] = [];
    const records = createAirtableRegistrationRecords(
      configFor(server, {
        throttle: (signal) => schedule.wait('base', signal),
        log: (event) => events.push(event),
      }),
    );
    await Promise.all(children(11).map((fields) => records.upsert(fields)));
    expect(server.maxRequestsInAnySecond()).toBeLessThanOrEqual(5);
    expect(events).toEqual([]);
    expect(server.records('registrations_2526')).toHaveLength(11);
  });
});
