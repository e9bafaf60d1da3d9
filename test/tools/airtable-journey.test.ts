import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeProduct } from '../../server/compose.ts';
import { loadConfig } from '../../server/config.ts';
import { startWorkers } from '../../server/workers.ts';
import { defaultClub } from '../../routines/club.ts';
import { createAirtableRegistrationRecords } from '../../tools/airtable/registrations.ts';
import { createRecordsOutbox, RECORDS_QUEUE } from '../../tools/airtable/outbox.ts';
import { createAirtableTeamDirectory } from '../../tools/airtable/teams.ts';
import { createSqliteJobs } from '../../tools/jobs/sqlite.ts';
import { createSqliteRegistrationStore } from '../../tools/registrations/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import {
  REGISTRATION_TABLE,
  startAirtableServer,
  TEAM_INFO_TABLE,
  type AirtableServer,
} from '../fakes/airtable-server.ts';
import { aParent } from '../machines/journeys.ts';
import { createHarness } from '../support/harness.ts';
import { eventually } from '../support/http.ts';
import { registrationFixture } from './registration-fixture.ts';

let server: AirtableServer;
beforeAll(async () => {
  server = await startAirtableServer({
    baseId: 'appFAKEBASE000001',
    tables: { regs_2526: REGISTRATION_TABLE, teams: TEAM_INFO_TABLE },
  });
});
afterAll(() => server.close());

const YN = /^[YN]$/;
const UK_DATE = /^\d{2}-\d{2}-\d{4}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const TEXT = /^[^\n]{1,200}$/;
const MOBILE = /^07\d{9}$/;
const POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const address = (who: string) => ({
  [`${who}_full_address`]: TEXT,
  [`${who}_house_number`]: TEXT,
  [`${who}_address_line_1`]: TEXT,
  [`${who}_town`]: TEXT,
  [`${who}_city`]: TEXT,
  [`${who}_post_code`]: POSTCODE,
});

/**
 * Facts §7.2: the club's field names and formats of `registrations_2526` that a new registration
 * writes, each with the value's format (a RegExp for text, 'number' with its check otherwise).
 */
const CLUB_FIELDS: Record<string, RegExp | ((value: unknown) => boolean)> = {
  player_first_name: TEXT,
  player_last_name: TEXT,
  player_dob: UK_DATE,
  player_gender: /^(Male|Female|Not Disclosed)$/,
  age_group: /^u([6-9]|1[0-8])$/,
  team: TEXT,
  player_has_any_medical_issues: YN,
  played_for_urmston_town_last_season: YN,
  ...address('player'),
  parent_first_name: TEXT,
  parent_last_name: TEXT,
  parent_relationship_to_player: /^(Mother|Father|Guardian|Other)$/,
  registree_role: /^(Parent|Player|Other)$/,
  parent_telephone: MOBILE,
  parent_email: EMAIL,
  parent_dob: UK_DATE,
  communication_consent: YN,
  ...address('parent'),
  registration_code: /^200-Lions-U10-2526$/,
  registration_type: /^(100|200)$/,
  season: /^\d{4}$/,
  registration_status: /^(pending_payment|active|suspended|incomplete)$/,
  initial_db_write_timestamp: ISO,
  payment_follow_up_count: (value) => value === 0,
  billing_request_id: TEXT,
  preferred_payment_day: (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= -1 && value <= 28,
  signing_on_fee_amount: (value) => typeof value === 'number' && Number.isInteger(value * 100),
  monthly_subscription_amount: (value) =>
    typeof value === 'number' && Number.isInteger(value * 100),
  signing_on_fee_paid: YN,
  mandate_authorised: YN,
  subscription_activated: YN,
  new_kit_required: YN,
  kit_type_required: /^(Goalkeeper|Outfield)$/,
  kit_size: /^(5\/6|7\/8|9\/10|11\/12|13\/14|S|M|L|XL|2XL|3XL)$/,
  shirt_number: /^([1-9]|1\d|2[0-5])$/,
  id_image_link: TEXT,
  sms_sent_at: ISO,
  sms_delivery_status: /^(pending|sent|delivered|failed|undelivered)$/,
};

const matches = (format: RegExp | ((value: unknown) => boolean), value: unknown) =>
  format instanceof RegExp ? typeof value === 'string' && format.test(value) : format(value);

describe('a whole registration reaches the club table in its field names and formats', () => {
  it('writes one full record whose every field is one of facts §7.2, in its format', async () => {
    server.reset();
    server.seed('team_info', {
      short_team_name: 'Lions',
      age_group: 'u10s',
      current_season: '2526',
      need_new_kit_current_season: 'Y',
    });
    const config = {
      apiKey: server.apiKey,
      baseId: server.baseId,
      endpointUrl: server.url,
      timeoutMs: 2_000,
    };
    const db = openDatabase(':memory:');
    const jobs = createSqliteJobs(db, { pollMs: 20 });
    const outbox = createRecordsOutbox({
      local: createSqliteRegistrationStore(db),
      records: createAirtableRegistrationRecords(config),
      jobs,
    });
    jobs.process(RECORDS_QUEUE, (job) => outbox.process(job));
    const harness = await createHarness({
      ports: { registrations: outbox.store, teams: createAirtableTeamDirectory(config) },
    });
    const done = await aParent(harness).reach(35);
    expect(done.routineNumber).toBe(35);
    await eventually(async () => {
      const counts = await jobs.counts(RECORDS_QUEUE);
      if (counts.waiting + counts.active + counts.delayed > 0) throw new Error('writes to go');
    });
    await jobs.close();

    const [record, ...others] = server.records('registrations_2526');
    expect(others).toEqual([]);
    const fields = record?.fields ?? {};
    const unknown = Object.keys(fields).filter((name) => !(name in CLUB_FIELDS));
    const badFormat = Object.entries(fields)
      .filter(([name, value]) => {
        const format = CLUB_FIELDS[name];
        return format !== undefined && !matches(format, value);
      })
      .map(([name, value]) => `${name}=${JSON.stringify(value)}`);
    expect(unknown).toEqual([]);
    expect(badFormat).toEqual([]);
    // a full record: every field a new registration fills is there, the local store's own is not
    const left = Object.keys(CLUB_FIELDS).filter((name) => !(name in fields));
    expect(left).toEqual([]);
    expect(fields).not.toHaveProperty('age_group_mismatch');
    const local = (await outbox.store.list())[0]?.fields;
    expect(local?.age_group_mismatch).toBe('N');
    expect(fields).toMatchObject({ player_first_name: 'Leo', shirt_number: '7', kit_size: 'M' });
  });
});

describe('/health with Airtable configured', () => {
  const product = async () => {
    const config = loadConfig({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'airtable-health-')),
      AIRTABLE_API_KEY: server.apiKey,
      AIRTABLE_BASE_ID: server.baseId,
      AIRTABLE_ENDPOINT_URL: server.url,
    });
    return composeProduct(config, () => {});
  };

  it("reports Airtable's reachability and the records backlog, without personal data", async () => {
    server.reset();
    const up = await product();
    try {
      await up.ports.registrations.upsert('reg-health', registrationFixture());
      const airtable = await up.health.airtable?.();
      const records = await up.health.records?.();
      expect(airtable).toEqual({ reachable: true });
      expect(records).toEqual({ backlog: 1, failed: 0 });
      expect(JSON.stringify({ airtable, records })).not.toMatch(/Leo|Brien|example|07700/);
    } finally {
      await up.close();
    }
    server.setDown(true);
    const down = await product();
    try {
      expect(await down.health.airtable?.()).toMatchObject({
        reachable: false,
        reason: 'unavailable',
      });
    } finally {
      server.setDown(false);
      await down.close();
    }
  });
});

describe('the club configuration names the Airtable tables', () => {
  it('reads teams and writes registrations in the tables the club names', async () => {
    server.reset();
    server.seed('teams', {
      short_team_name: 'Lions',
      age_group: 'u10s',
      current_season: '2526',
      need_new_kit_current_season: 'N',
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'airtable-tables-'));
    const clubPath = join(dataDir, 'club.json');
    const airtable = { registrationsTable: 'regs_{season}', teamsTable: 'teams' };
    writeFileSync(clubPath, JSON.stringify({ ...defaultClub, airtable }));
    const product = await composeProduct(
      loadConfig({
        DATA_DIR: dataDir,
        CLUB_CONFIG: clubPath,
        AIRTABLE_API_KEY: server.apiKey,
        AIRTABLE_BASE_ID: server.baseId,
        AIRTABLE_ENDPOINT_URL: server.url,
      }),
      () => {},
    );
    try {
      startWorkers(product, () => {});
      const team = await product.ports.teams.find({
        name: 'lions',
        ageGroup: 'U10',
        season: '2526',
      });
      expect(team).toEqual({ name: 'Lions', ageGroup: 'U10', season: '2526', needsNewKit: false });
      await product.ports.registrations.upsert('reg-tables', registrationFixture());
      await eventually(async () => {
        if (server.records('regs_2526').length !== 1) throw new Error('not yet');
      });
      expect(server.records('registrations_2526')).toEqual([]);
    } finally {
      await product.close();
    }
  });
});
