import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteKeyValueStore } from '../../tools/kv/sqlite.ts';
import { createSqliteSimulatedPayments } from '../../tools/payments/simulator-sqlite.ts';
import {
  createSqliteRegistrationStore,
  ShirtNumberTakenError,
} from '../../tools/registrations/sqlite.ts';
import { createSqliteJobs } from '../../tools/jobs/sqlite.ts';
import { createSqliteSmsOutbox } from '../../tools/sms/outbox-sqlite.ts';
import { SMS_QUEUE } from '../../tools/sms/sms.ts';
import { createSqliteSnapshotStore } from '../../tools/snapshots/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import { createSqliteTeamDirectory } from '../../tools/teams/sqlite.ts';
import type { TeamInfo } from '../../tools/teams/teams.ts';
import { registrationFixture } from '../contracts/registration-store.contract.ts';
import { tempDatabasePath } from './temp-database.ts';

const TEAMS: TeamInfo[] = [
  { name: 'Lions', ageGroup: 'u10', season: '2526', needsNewKit: true },
  { name: 'Tigers', ageGroup: 'u10', season: '2526', needsNewKit: false },
  { name: 'Lions', ageGroup: 'u11', season: '2526', needsNewKit: false },
];

describe('the SQLite team directory', () => {
  it.each([
    ['the same spelling', { name: 'Lions', ageGroup: 'u10' }, TEAMS[0]],
    ['any case', { name: 'LIONS', ageGroup: 'U10' }, TEAMS[0]],
    ['another age group', { name: 'lions', ageGroup: 'u11' }, TEAMS[2]],
    ['an unknown team', { name: 'Bears', ageGroup: 'u10' }, null],
  ])('finds a team by %s', async (_, query, expected) => {
    const db = openDatabase(tempDatabasePath('teams'));
    const teams = createSqliteTeamDirectory(db, TEAMS);
    expect(await teams.find({ ...query, season: '2526' })).toEqual(expected);
    db.close();
  });

  it('is seeded once: a later start with another seed keeps the stored teams', () => {
    const path = tempDatabasePath('teams');
    const first = openDatabase(path);
    createSqliteTeamDirectory(first, TEAMS);
    first.close();
    const second = openDatabase(path);
    const teams = createSqliteTeamDirectory(second, [TEAMS[0]!]);
    expect(teams.all()).toHaveLength(3);
    second.close();
  });
});

describe('the SQLite payment simulator', () => {
  it('gives the same billing request for the same key, from any process, as the JSON simulator did', async () => {
    const path = tempDatabasePath('payments');
    const [one, two] = [openDatabase(path), openDatabase(path)];
    const input = {
      idempotencyKey: 'reg-1:billing:45',
      signingOnFeePence: 4500,
      currency: 'GBP' as const,
      description: 'Signing-on fee',
      metadata: { registration: 'reg-1' },
    };
    const first = await createSqliteSimulatedPayments(one).createBillingRequest(input);
    const again = await createSqliteSimulatedPayments(two).createBillingRequest(input);
    const other = await createSqliteSimulatedPayments(two).createBillingRequest({
      ...input,
      idempotencyKey: 'reg-2:billing:45',
    });
    expect(first.billingRequestId).toMatch(/^BRQSIM[0-9A-F]{12}$/);
    expect(again).toEqual(first);
    expect(other.billingRequestId).not.toBe(first.billingRequestId);
    expect(one.prepare('SELECT count(*) AS n FROM simulated_billing_requests').get()).toEqual({
      n: 2,
    });
    one.close();
    two.close();
  });
});

describe('the SQLite SMS outbox', () => {
  const message = {
    key: 'reg-1.sendPaymentLink.0123456789abcdef',
    registrationId: 'reg-1',
    to: '+447700900123',
    body: 'Hi Sarah, please set up Leo’s payments: http://localhost:8000/reg_setup/BRQSIM0123',
  };

  async function outbox() {
    const db = openDatabase(tempDatabasePath('sms'));
    const jobs = createSqliteJobs(db, { pollMs: 10 });
    const texts = createSqliteSmsOutbox(db, jobs, {
      retry: { attempts: 3, backoffMs: 10 },
      now: () => new Date('2025-08-01T10:00:00.000Z'),
    });
    return { db, jobs, texts };
  }

  it('keeps each text once, whole, with one job on the sms queue whose id is its key', async () => {
    const { db, jobs, texts } = await outbox();
    await texts.enqueue(message);
    await texts.enqueue({ ...message, body: 'a different text under the same key' });
    expect(await texts.list()).toEqual([
      {
        ...message,
        status: 'queued',
        providerId: null,
        providerStatus: null,
        attempts: 0,
        lastError: null,
        queuedAt: '2025-08-01T10:00:00.000Z',
        updatedAt: '2025-08-01T10:00:00.000Z',
      },
    ]);
    expect(await jobs.counts(SMS_QUEUE)).toMatchObject({ waiting: 1 });
    expect(db.prepare('SELECT id FROM jobs').all()).toEqual([{ id: message.key }]);
    await jobs.close();
    db.close();
  });

  it('erases the texts of one registration only (an erasure)', async () => {
    const { db, jobs, texts } = await outbox();
    await texts.enqueue({ ...message, key: 'reg-aaaaaaaa.sendPaymentLink.1' });
    await texts.enqueue({ ...message, key: 'reg-aaaaaaaa.sendPaymentLink.2' });
    await texts.enqueue({ ...message, key: 'reg-bbbbbbbb.sendPaymentLink.1' });
    expect(await texts.erase('reg-aaaaaaaa.')).toBe(2);
    expect(await texts.erase('reg-aaaaaaaa.')).toBe(0);
    expect((await texts.list()).map((text) => text.key)).toEqual([
      'reg-bbbbbbbb.sendPaymentLink.1',
    ]);
    await jobs.close();
    db.close();
  });

  it('keeps the latest provider status whatever order they are recorded in', async () => {
    const { db, jobs, texts } = await outbox();
    await texts.enqueue(message);
    await texts.markSent(message.key, 'SM0123');
    expect(await texts.recordProviderStatus(message.key, 'delivered', null)).toBe(true);
    expect(await texts.recordProviderStatus(message.key, 'sent', null)).toBe(false);
    expect(await texts.recordProviderStatus(message.key, 'queued', null)).toBe(false);
    expect(await texts.get(message.key)).toMatchObject({
      status: 'delivered',
      providerId: 'SM0123',
      providerStatus: 'delivered',
    });
    await jobs.close();
    db.close();
  });

  it.each([
    ['undelivered', 'phone switched off or unreachable', 'phone switched off or unreachable'],
    ['failed', null, 'provider status failed'],
  ])('lists a text %s by the provider among the failed ones', async (status, error, reason) => {
    const { db, jobs, texts } = await outbox();
    await texts.enqueue(message);
    await texts.enqueue({ ...message, key: 'reg-2.sendPaymentLink.0', registrationId: 'reg-2' });
    await texts.markSent(message.key, 'SM0123');
    await texts.recordProviderStatus(message.key, status, error);
    const failed = await texts.list({ status: 'failed' });
    expect(failed.map((text) => [text.registrationId, text.lastError])).toEqual([
      ['reg-1', reason],
    ]);
    expect(await texts.list({ registrationId: 'reg-2' })).toHaveLength(1);
    await jobs.close();
    db.close();
  });
});

describe('shirt numbers in the SQLite registration store', () => {
  const shirt = { team: 'Lions', ageGroup: 'u10', season: '2526', number: 7 };

  it('refuses a record that would give a held number to another child, and keeps it as it was', async () => {
    const db = openDatabase(tempDatabasePath('shirts'));
    const store = createSqliteRegistrationStore(db);
    await store.upsert('leo', registrationFixture());
    await store.upsert('mia', registrationFixture({ player_first_name: 'Mia' }));
    await store.reserveShirtNumber({ ...shirt, registrationId: 'leo' });
    await expect(
      store.upsert('mia', registrationFixture({ player_first_name: 'Mia', shirt_number: '7' })),
    ).rejects.toBeInstanceOf(ShirtNumberTakenError);
    await expect(store.update('mia', { team: 'LIONS', shirt_number: '7' })).rejects.toBeInstanceOf(
      ShirtNumberTakenError,
    );
    expect((await store.get('mia'))?.fields).toEqual(
      registrationFixture({ player_first_name: 'Mia' }),
    );
    db.close();
  });

  it('moves a child’s number with the child when the record changes team', async () => {
    const db = openDatabase(tempDatabasePath('shirts'));
    const store = createSqliteRegistrationStore(db);
    await store.upsert('leo', registrationFixture());
    await store.upsert('mia', registrationFixture({ player_first_name: 'Mia' }));
    await store.upsert('sam', registrationFixture({ player_first_name: 'Sam', team: 'Tigers' }));
    await store.reserveShirtNumber({ ...shirt, registrationId: 'leo' });
    await store.update('leo', { team: 'Tigers' });
    expect(await store.reserveShirtNumber({ ...shirt, registrationId: 'mia' })).toBe('reserved');
    expect(
      await store.reserveShirtNumber({ ...shirt, team: 'tigers', registrationId: 'sam' }),
    ).toBe('taken');
    db.close();
  });

  it('refuses a number asked for a team the record is not in', async () => {
    const db = openDatabase(tempDatabasePath('shirts'));
    const store = createSqliteRegistrationStore(db);
    await store.upsert('leo', registrationFixture());
    await expect(
      store.reserveShirtNumber({ ...shirt, team: 'Tigers', registrationId: 'leo' }),
    ).rejects.toThrow(/team the registration is in/);
    expect((await store.get('leo'))?.fields.shirt_number).toBeUndefined();
    db.close();
  });
});

describe('rows that fail validation on read', () => {
  it.each([
    [
      'a registration with an invalid e-mail',
      `UPDATE registrations SET fields = json_set(fields, '$.parent_email', 'nope')`,
      (path: string) => createSqliteRegistrationStore(openDatabase(path)).get('reg-1'),
    ],
    [
      'a registration that is not JSON',
      `UPDATE registrations SET fields = '{broken'`,
      (path: string) => createSqliteRegistrationStore(openDatabase(path)).list(),
    ],
    [
      'a snapshot with a negative revision',
      `UPDATE machine_instances SET revision = -1`,
      (path: string) =>
        createSqliteSnapshotStore(openDatabase(path)).load({ machine: 'session', id: 's1' }),
    ],
    [
      'a key-value entry that is not JSON',
      `UPDATE key_values SET value = 'not json'`,
      (path: string) => createSqliteKeyValueStore(openDatabase(path), 'ledger').get('key'),
    ],
  ])('throw a clear error for %s instead of reading it as absent', async (_, corrupt, read) => {
    const path = tempDatabasePath('corrupt');
    const db = openDatabase(path);
    await createSqliteRegistrationStore(db).upsert('reg-1', registrationFixture());
    const held = await createSqliteSnapshotStore(db).acquire({ machine: 'session', id: 's1' });
    await held.commit({ version: '1', snapshot: {}, savedAt: 'now', extra: {} }, 60_000);
    await createSqliteKeyValueStore(db, 'ledger').set('key', { done: true });
    db.exec(corrupt);
    await expect(read(path)).rejects.toThrow(/unreadable/);
  });
});

describe('the SQLite file', () => {
  it('and its journal files are readable by the owner only, in a folder only the owner can open', async () => {
    const path = join(tempDatabasePath('modes'), 'nested', 'club.sqlite');
    const db = openDatabase(path);
    await createSqliteKeyValueStore(db, 'ledger').set('key', 'value');
    const folder = dirname(path);
    const modes = Object.fromEntries(
      readdirSync(folder).map((name) => [name, statSync(join(folder, name)).mode & 0o777]),
    );
    expect(modes).toEqual({
      'club.sqlite': 0o600,
      'club.sqlite-wal': 0o600,
      'club.sqlite-shm': 0o600,
    });
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    db.close();
  });
});
