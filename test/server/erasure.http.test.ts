import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { databasePath } from '../../server/compose.ts';
import { loadConfig } from '../../server/config.ts';
import { createRedisKeyValueStore } from '../../tools/kv/redis.ts';
import { createSqliteJobs } from '../../tools/jobs/sqlite.ts';
import { createSqliteSmsOutbox } from '../../tools/sms/outbox-sqlite.ts';
import { createRedisSnapshotStore } from '../../tools/snapshots/redis.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import {
  bearer,
  childFor,
  IMAGES,
  REGISTRATION,
  registerUntilPhoto,
  startTestServer,
  type TestServer,
} from './support.ts';

type Registration = { id: string; fields: Record<string, string> };

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('erasing one family', () => {
  let server: TestServer;
  let family: { registration: Registration; sessions: string[] };
  let neighbour: Registration;

  async function registrationOf(shirt: number) {
    const { body } = await server.get('/admin/registrations', bearer());
    const all = body.registrations as Registration[];
    const found = all.find((record) => record.fields.player_first_name === childFor(shirt));
    if (!found) throw new Error(`No registration for shirt ${shirt}`);
    return found;
  }

  beforeAll(async () => {
    // Workers off: a photo sent late stays on the queue, so that the erasure finds a job too.
    server = await startTestServer({ RUN_WORKERS: 'false' });
    const first = await registerUntilPhoto(server, 3);
    const photo = { bytes: IMAGES.png, name: 'photo.png', type: 'image/png' };
    expect((await server.upload('/upload', { session_id: first }, photo)).status).toBe(200);
    expect((await server.upload('/upload-async', { session_id: first }, photo)).status).toBe(200);
    // Another chat (another device) names the same child: it holds the child's details too.
    let second: string | undefined;
    for (const [text] of REGISTRATION.slice(0, 4)) {
      const message = text === 'leo o’brien' ? `${childFor(3)} o’brien` : text;
      const { body } = await server.post('/chat', { user_message: message, session_id: second });
      second = String(body.session_id);
    }
    family = { registration: await registrationOf(3), sessions: [first, String(second)] };
    await registerUntilPhoto(server, 4);
    neighbour = await registrationOf(4);
  });
  afterAll(() => server.close());

  it('removes the family from every store and says what it removed', async () => {
    const { registration, sessions } = family;
    const photo = join(
      server.dataDir,
      'photos',
      'stored',
      registration.fields.id_image_link?.slice('photos/'.length) ?? 'none',
    );
    expect(await exists(photo)).toBe(true);

    const reply = await server.post(
      '/admin/erase',
      {
        season: '2526',
        first_name: childFor(3),
        last_name: "O'Brien",
        date_of_birth: '2016-02-03',
      },
      bearer(),
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      registration_id: registration.id,
      nothing_left: false,
      removed: {
        sessions: 2,
        uploadStatuses: 1,
        record: 1,
        photos: 1,
        stagedPhotos: 1,
        jobs: 1,
        sms: 1,
        // embedded mode: the local store is the club's table, so there is no other copy
        clubRecord: 0,
      },
    });
    // the payment simulator's billing request and its page (which held the parent's details)
    expect((reply.body.removed as { payments: number }).payments).toBeGreaterThanOrEqual(1);
    expect((reply.body.removed as { ledger: number }).ledger).toBeGreaterThanOrEqual(2);

    // Every store, looked at directly.
    const redisUrl = inject('redisUrl');
    const prefix = server.redisKeyPrefix;
    const snapshots = await createRedisSnapshotStore(redisUrl, { prefix });
    const ledger = await createRedisKeyValueStore(redisUrl, `${prefix}ledger`);
    const db = openDatabase(databasePath(loadConfig({ DATA_DIR: server.dataDir })));
    try {
      for (const id of sessions) {
        expect(await snapshots.load({ machine: 'session', id })).toBeNull();
        expect((await server.get(`/upload-status/${id}`)).status).toBe(404);
      }
      expect(await ledger.get(`claim.${registration.id}`)).toBeUndefined();
      expect(await ledger.get(`sessions.${registration.id}`)).toBeUndefined();
      const outbox = await createSqliteSmsOutbox(db, createSqliteJobs(db)).list();
      expect(outbox.filter((sms) => sms.key.startsWith(registration.id))).toEqual([]);
      expect(outbox.filter((sms) => sms.key.startsWith(neighbour.id))).toHaveLength(1);
    } finally {
      db.close();
      await snapshots.close();
      await ledger.close();
    }
    expect(await exists(photo)).toBe(false);
    const record = await server.get(`/admin/registrations/${registration.id}`, bearer());
    expect(record.status).toBe(404);
    // The neighbour's family is untouched.
    expect((await server.get(`/admin/registrations/${neighbour.id}`, bearer())).status).toBe(200);
  });

  it('reports nothing left when the same family is erased again', async () => {
    const reply = await server.post(
      '/admin/erase',
      { registration_id: family.registration.id },
      bearer(),
    );
    expect(reply.status).toBe(200);
    expect(reply.body.nothing_left).toBe(true);
    expect(Object.values(reply.body.removed as Record<string, number>)).toEqual(
      Array.from({ length: 10 }, () => 0),
    );
  });

  it.each([
    ['no token', {}, {}, 401],
    ['an unknown field', { registration_id: 'reg-0', name: 'x' }, bearer(), 400],
    [
      'a bad date',
      { season: '2526', first_name: 'A', last_name: 'B', date_of_birth: '3/2/16' },
      bearer(),
      400,
    ],
  ])('refuses an erasure with %s', async (_case, body, headers, status) => {
    expect((await server.post('/admin/erase', body, headers)).status).toBe(status);
  });
});
