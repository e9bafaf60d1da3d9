import Airtable from 'airtable';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAirtableServer, type AirtableServer } from '../fakes/airtable-server.ts';

let server: AirtableServer;
beforeAll(async () => {
  server = await startAirtableServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const table = (name = 'registrations_2526') =>
  new Airtable({ apiKey: server.apiKey, endpointUrl: server.url, noRetryIfRateLimited: true }).base(
    server.baseId,
  )(name);

describe("the fake Airtable server through airtable.js's own table API", () => {
  it('creates, finds, updates and selects records, computing formula fields', async () => {
    const created = await table().create({
      player_first_name: 'Jack',
      player_last_name: "O'Brien",
    });
    await table().update(created.id, { shirt_number: '7' });
    const found = await table().find(created.id);
    const selected = await table().select({ filterByFormula: `{shirt_number} = "7"` }).all();
    expect(found.fields).toMatchObject({
      player_full_name: "Jack O'Brien",
      record_id: created.id,
      shirt_number: '7',
    });
    expect(selected.map((record) => record.id)).toEqual([created.id]);
  });

  it('replaces every field on PUT and keeps the others on PATCH', async () => {
    const created = await table().create({ player_first_name: 'Jack', kit_size: 'M' });
    await table().update(created.id, { player_last_name: 'Smith' });
    expect((await table().find(created.id)).fields).toMatchObject({ kit_size: 'M' });
    await table().replace(created.id, { player_first_name: 'Jack' });
    expect((await table().find(created.id)).fields.kit_size).toBeUndefined();
  });

  it('creates a select option only when typecast is on, which the adapter never sends', async () => {
    await expect(table().create({ kit_size: '4XL' })).rejects.toMatchObject({
      error: 'INVALID_MULTIPLE_CHOICE_OPTIONS',
      statusCode: 422,
    });
    await expect(table().create({ kit_size: '4XL' }, { typecast: true })).resolves.toBeDefined();
  });

  it.each([
    ['a computed field', { player_full_name: 'x' }, 'INVALID_VALUE_FOR_COLUMN'],
    ['text in a number field', { preferred_payment_day: '5' }, 'INVALID_VALUE_FOR_COLUMN'],
    ['a date-time that is not one', { sms_sent_at: 'yesterday' }, 'INVALID_VALUE_FOR_COLUMN'],
    ['an unknown field', { player_nickname: 'x' }, 'UNKNOWN_FIELD_NAME'],
  ])('refuses %s', async (_, fields, type) => {
    await expect(table().create(fields)).rejects.toMatchObject({ error: type, statusCode: 422 });
  });

  it('refuses a badly quoted formula as Airtable does', async () => {
    await expect(
      table().select({ filterByFormula: "{player_last_name} = 'a'); DELETE'" }).all(),
    ).rejects.toMatchObject({ error: 'INVALID_FILTER_BY_FORMULA', statusCode: 422 });
  });
});
