import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AirtableRejectedError,
  createAirtableClient,
  type AirtableConfig,
} from '../../tools/airtable/client.ts';
import { keyOf } from '../../tools/airtable/records-port.ts';
import { createAirtableRegistrationRecords } from '../../tools/airtable/registrations.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';
import {
  aRegistration,
  registrationRecordsContract,
} from '../contracts/registration-records.contract.ts';
import {
  REGISTRATION_TABLE,
  startAirtableServer,
  type AirtableServer,
} from '../fakes/airtable-server.ts';

let server: AirtableServer;
beforeAll(async () => {
  // a season whose table lacks a field the product writes
  const withoutFlag = Object.fromEntries(
    Object.entries(REGISTRATION_TABLE).filter(([name]) => name !== 'registree_role'),
  );
  server = await startAirtableServer({ tables: { registrations_9999: withoutFlag } });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const configFor = (overrides: Partial<AirtableConfig> = {}): AirtableConfig => ({
  apiKey: server.apiKey,
  baseId: server.baseId,
  endpointUrl: server.url,
  timeoutMs: 2_000,
  rateLimitRetry: { firstDelayMs: 20, maxDelayMs: 50 },
  ...overrides,
});
const recordsFor = (overrides: Partial<AirtableConfig> = {}) =>
  createAirtableRegistrationRecords(configFor(overrides));

registrationRecordsContract('Airtable through airtable.js', async () => {
  server.reset();
  return recordsFor();
});

describe('Airtable registration records on the wire', () => {
  it('upserts with the key fields to merge on, typecast off, and one record per child', async () => {
    const records = recordsFor();
    for (let attempt = 0; attempt < 5; attempt += 1) await records.upsert(aRegistration());
    const upserts = server.requests.filter((request) => request.method === 'PATCH');
    expect(upserts).toHaveLength(5);
    expect(upserts[0]?.path).toBe('/registrations_2526');
    expect(upserts[0]?.body).toMatchObject({
      performUpsert: { fieldsToMergeOn: ['player_first_name', 'player_last_name', 'player_dob'] },
      typecast: false,
    });
    expect(server.records('registrations_2526')).toHaveLength(1);
  });

  it('never sends typecast on, for upserts and updates alike', async () => {
    const records = recordsFor();
    await records.upsert(aRegistration());
    await records.update(keyOf(aRegistration()), { sms_delivery_status: 'delivered' });
    const writes = server.requests.filter((request) => request.method !== 'GET');
    expect(writes.map((request) => (request.body as { typecast?: unknown }).typecast)).toEqual([
      false,
      false,
    ]);
  });

  it('finds a record by an escaped formula that the server evaluates', async () => {
    const records = recordsFor();
    const fields = aRegistration({ player_last_name: "a'); DELETE" });
    await records.upsert(fields);
    await records.get(keyOf(fields));
    const read = server.requests.find((request) => request.method === 'GET');
    expect(read?.query.filterByFormula).toBe(
      'AND({player_first_name} = "Jack", {player_last_name} = "a\'); DELETE", {player_dob} = "14-03-2016")',
    );
  });

  it('updates a record typed by a volunteer in place', async () => {
    const id = server.seed('registrations_2526', {
      player_first_name: 'Jack',
      player_last_name: 'Smith',
      player_dob: '14-03-2016',
      team: 'Lions',
      age_group: 'U10',
      parent_telephone: '+44 7700 900123',
    });
    const records = recordsFor();
    await records.upsert(aRegistration());
    const stored = server.records('registrations_2526');
    expect(stored.map((record) => record.id)).toEqual([id]);
    expect(stored[0]?.fields.parent_telephone).toBe('07700900123');
  });

  it('names the hand-typed fields it cannot read instead of failing', async () => {
    server.seed('registrations_2425', {
      player_first_name: 'Jack',
      player_last_name: 'Smith',
      player_dob: '14/03/2016',
      team: 'Lions',
      age_group: 'U9s',
      shirt_number: '9',
    });
    const found = await recordsFor().findPrevious('2425', {
      firstName: 'Jack',
      lastName: 'Smith',
      team: 'Lions',
      ageGroup: 'U9',
    });
    expect(found).toEqual([
      {
        fields: {
          player_first_name: 'Jack',
          player_last_name: 'Smith',
          team: 'Lions',
          shirt_number: '9',
        },
        unreadable: ['player_dob', 'age_group'],
      },
    ]);
  });

  it('reports two records with one key as a rejection, not an outage', async () => {
    for (let i = 0; i < 2; i += 1) {
      server.seed('registrations_2526', {
        player_first_name: 'Jack',
        player_last_name: 'Smith',
        player_dob: '14-03-2016',
      });
    }
    const records = recordsFor();
    await expect(records.get(keyOf(aRegistration()))).rejects.toThrow(AirtableRejectedError);
    await expect(records.upsert(aRegistration())).rejects.toThrow(AirtableRejectedError);
  });

  it('lists through POST listRecords when the URL would pass 16,000 characters', async () => {
    server.seed('registrations_2526', { player_first_name: 'Jack', team: 'Lions' });
    const client = createAirtableClient(configFor());
    const names = Array.from({ length: 800 }, (_, i) => `{player_first_name} = "Name${i}"`);
    const formula = `OR(${names.join(', ')}, {player_first_name} = "Jack")`;
    const found = await client.list('registrations_2526', { formula });
    expect(found).toHaveLength(1);
    expect(server.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /registrations_2526/listRecords',
    ]);
  });

  it('reads every page of a long list', async () => {
    for (let i = 0; i < 230; i += 1)
      server.seed('registrations_2526', { team: 'Lions', age_group: 'u10' });
    const team = await recordsFor().listTeam({ season: '2526', team: 'Lions', ageGroup: 'U10' });
    expect(team).toHaveLength(230);
    expect(server.requests).toHaveLength(3);
  });
});

describe('Airtable failures', () => {
  const unavailable = (cause: RegExp) =>
    expect.objectContaining({
      name: 'ToolUnavailableError',
      cause: expect.objectContaining({ message: expect.stringMatching(cause) }),
    });

  it.each([
    ['a refused API key', { apiKey: 'patWRONG' }, /401.*API key/],
    ['an unknown base', { baseId: 'appNOSUCHBASE000' }, /404.*no such base or table/],
  ])('maps %s to an unavailable service with a clear cause', async (_, overrides, cause) => {
    await expect(recordsFor(overrides).upsert(aRegistration())).rejects.toEqual(unavailable(cause));
  });

  it('maps an unknown table (a season with no table) to an unavailable service', async () => {
    const fields = aRegistration({ season: '2324' });
    await expect(recordsFor().upsert(fields)).rejects.toEqual(
      unavailable(/HTTP 404.*registrations_2324.*Could not find table registrations_2324/),
    );
  });

  it('rejects an unknown field name as a bug to report', async () => {
    const error: unknown = await recordsFor()
      .upsert(aRegistration({ season: '9999' }))
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(AirtableRejectedError);
    expect(error).toMatchObject({ type: 'UNKNOWN_FIELD_NAME', statusCode: 422 });
    expect(server.records('registrations_9999')).toEqual([]);
  });

  it('rejects a value that is not one of a single select options, and creates no option', async () => {
    const records = recordsFor();
    await records.upsert(aRegistration());
    const [stored] = server.records('registrations_2526');
    const error: unknown = await createAirtableClient(configFor())
      .request({
        method: 'PATCH',
        path: '/registrations_2526',
        body: { records: [{ id: stored?.id, fields: { kit_size: 'XXS' } }], typecast: false },
      })
      .catch((reason: unknown) => reason);
    expect(error).toMatchObject({
      name: 'AirtableRejectedError',
      type: 'INVALID_MULTIPLE_CHOICE_OPTIONS',
    });
    expect(server.records('registrations_2526')[0]?.fields.kit_size).toBeUndefined();
  });

  it('refuses a kit size the club does not offer before sending it', async () => {
    const records = recordsFor();
    await records.upsert(aRegistration());
    const sent = server.requests.length;
    const bad = { kit_size: 'XXS' } as unknown as Partial<ReturnType<typeof aRegistration>>;
    await expect(records.update(keyOf(aRegistration()), bad)).rejects.toThrow(/kit_size/);
    expect(server.requests).toHaveLength(sent);
  });

  it('waits after a 429 and then succeeds', async () => {
    server.script({ type: 'status', status: 429 }, { type: 'status', status: 429 });
    const events: string[] = [];
    const records = recordsFor({ log: (event) => events.push(event) });
    await expect(records.upsert(aRegistration())).resolves.toEqual({ created: true });
    expect(events).toEqual(['airtable.rate_limited', 'airtable.rate_limited']);
    expect(server.records('registrations_2526')).toHaveLength(1);
  });

  it('gives up on 429s when the next wait would pass the deadline', async () => {
    server.script(...Array.from({ length: 50 }, () => ({ type: 'status' as const, status: 429 })));
    const records = recordsFor({
      timeoutMs: 1_000,
      rateLimitRetry: { firstDelayMs: 400, maxDelayMs: 800 },
    });
    const started = Date.now();
    await expect(records.upsert(aRegistration())).rejects.toEqual(unavailable(/rate limited/));
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it.each([500, 502, 503])(
    'maps HTTP %i to an unavailable service without retrying',
    async (status) => {
      server.script({ type: 'status', status });
      await expect(recordsFor().upsert(aRegistration())).rejects.toThrow(ToolUnavailableError);
      expect(server.requests).toHaveLength(1);
    },
  );

  it('maps a dropped connection to an unavailable service', async () => {
    server.script({ type: 'drop' });
    await expect(recordsFor().get(keyOf(aRegistration()))).rejects.toThrow(ToolUnavailableError);
  });

  it('ends a call that gets no answer at its deadline', async () => {
    server.script({ type: 'hang' });
    await expect(recordsFor({ timeoutMs: 200 }).get(keyOf(aRegistration()))).rejects.toEqual(
      unavailable(/no answer within 200 ms/),
    );
  });

  it("stops at once with the caller's reason when the caller aborts", async () => {
    server.script({ type: 'hang' });
    const controller = new AbortController();
    const reason = new Error('parent hung up');
    const pending = recordsFor().get(keyOf(aRegistration()), controller.signal);
    setTimeout(() => controller.abort(reason), 20);
    await expect(pending).rejects.toBe(reason);
  });
});

describe('Airtable health probe', () => {
  it('reports a reachable base without reading any record', async () => {
    server.seed('team_info', { short_team_name: 'Lions' });
    const client = createAirtableClient(configFor());
    expect(await client.probe('team_info')).toEqual({ ok: true });
    expect(server.requests[0]?.query).toMatchObject({
      filterByFormula: 'FALSE()',
      maxRecords: '1',
    });
  });

  it.each([
    ['a refused key', { apiKey: 'patWRONG' }, 'team_info', /401/],
    ['a missing table', {}, 'no_such_table', /404.*no_such_table/],
  ])('reports %s as unavailable with the cause', async (_, overrides, table, detail) => {
    const health = await createAirtableClient(configFor(overrides)).probe(table);
    expect(health).toEqual({
      ok: false,
      reason: 'unavailable',
      detail: expect.stringMatching(detail),
    });
  });
});
