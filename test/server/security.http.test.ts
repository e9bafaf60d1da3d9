import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { databasePath } from '../../server/compose.ts';
import { loadConfig } from '../../server/config.ts';
import { createRedisSnapshotStore } from '../../tools/snapshots/redis.ts';
import {
  bearer,
  childFor,
  IMAGES,
  PERSONAL_DATA,
  pollUpload,
  registerUntilPhoto,
  startTestServer,
  type TestServer,
} from './support.ts';

const FRONTEND_ID = 'session-1732190000000-k3j9x2m1q';
const WEAK_IDS = ['aaaaaaaa', '12345678', 'session-1', 'session-1732190000000-aaaaaaaaa'];

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('session ids as secrets', () => {
  let server: TestServer;
  const sessions: string[] = [];
  let shirt = 6;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it.each(WEAK_IDS)(
    'refuses the weak id %s on /chat with a 400 that says how to make one',
    async (id) => {
      const reply = await server.post('/chat', { user_message: 'hello', session_id: id });
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ error: { code: 'weak_session_id' } });
      expect(String((reply.body.error as { message: string }).message)).toMatch(
        /too easy to guess.*random.*crypto\.randomUUID\(\)/,
      );
      expect(reply.body.response).toMatch(/new tab/);
    },
  );

  it.each(WEAK_IDS)('refuses the weak id %s on the uploads and their status', async (id) => {
    const file = { bytes: IMAGES.jpeg, name: 'photo.jpg', type: 'image/jpeg' };
    const upload = await server.upload('/upload-async', { session_id: id }, file);
    expect(upload.body).toMatchObject({ error: { code: 'weak_session_id' } });
    const status = await server.get(`/upload-status/${id}`);
    expect(status.status).toBe(400);
    expect(status.body).toMatchObject({ error: { code: 'weak_session_id' } });
  });

  it("accepts the club frontend's own ids and keeps them", async () => {
    const first = await server.post('/chat', {
      user_message: 'hi, my code is 200-Lions-U10-2526',
      session_id: FRONTEND_ID,
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ session_id: FRONTEND_ID, routine_number: 1 });
    const next = await server.post('/chat', {
      user_message: 'sarah o’brien',
      session_id: FRONTEND_ID,
    });
    expect(next.body.routine_number).toBe(2);
    sessions.push(FRONTEND_ID);
  });

  it('shows nothing personal through /upload-status, before or after the photo', async () => {
    shirt += 1;
    const sessionId = await registerUntilPhoto(server, shirt);
    sessions.push(sessionId);
    const file = { bytes: IMAGES.png, name: 'photo.png', type: 'image/png' };
    await server.upload('/upload-async', { session_id: sessionId }, file);
    const status = await pollUpload(server, sessionId);
    expect(status.body).toMatchObject({ complete: true, error: null, routine_number: 35 });
    const shown = JSON.stringify(status.body);
    for (const personal of [childFor(shirt), ...PERSONAL_DATA]) {
      expect(shown.toLowerCase()).not.toContain(personal.toLowerCase());
    }
  });

  it('never writes a session id in clear in the logs of full registrations', () => {
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    const lines = server.logs.map((line) => JSON.stringify(line));
    for (const id of sessions) {
      expect(lines.filter((line) => line.includes(id))).toEqual([]);
    }
    // A keyed tag stands for it: a session can still be followed through the logs.
    expect(lines.some((line) => /"session":"s:[\w-]{12}"/.test(line))).toBe(true);
    expect(server.logs.some((line) => line.event === 'log.hash_key_random')).toBe(true);
  });

  it.each([
    ['/chat', () => server.post('/chat', { user_message: 'hello' })],
    ['/chat (an error)', () => server.post('/chat', '{"user_message":')],
    ['/upload-status', () => server.get(`/upload-status/${FRONTEND_ID}`)],
    ['/admin/registrations', () => server.get('/admin/registrations', bearer())],
    ['/health', () => server.get('/health')],
  ])('answers %s with Cache-Control: no-store', async (_path, call) => {
    const reply = await call();
    expect(reply.headers.get('cache-control')).toBe('no-store');
  });

  it('keeps the embedded stores and the photos readable by the owner only', async () => {
    expect(await modeOf(server.dataDir)).toBe(0o700);
    const config = loadConfig({ DATA_DIR: server.dataDir });
    expect(await modeOf(databasePath(config))).toBe(0o600);
    const { body } = await server.get('/admin/registrations', bearer());
    const records = body.registrations as { fields: Record<string, string> }[];
    const link = records.find((record) => record.fields.id_image_link)?.fields.id_image_link ?? '';
    const photo = join(server.dataDir, 'photos', 'stored', link.slice('photos/'.length));
    expect(await modeOf(photo)).toBe(0o600);
    for (const folder of ['photos', 'photos/stored', 'photos/staged', 'photos/stored/players']) {
      expect(await modeOf(join(server.dataDir, folder))).toBe(0o700);
    }
  });
});

describe('new sessions', () => {
  it('are limited per client address; a session already open carries on', async () => {
    const server = await startTestServer({ NEW_SESSIONS_PER_HOUR: '3' });
    try {
      const opened = [];
      for (let count = 0; count < 3; count += 1) {
        const reply = await server.post('/chat', { user_message: 'hello' });
        expect(reply.status).toBe(200);
        opened.push(String(reply.body.session_id));
      }
      const refused = await server.post('/chat', {
        user_message: 'hello',
        session_id: FRONTEND_ID,
      });
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ error: { code: 'too_many_sessions' } });
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      const again = await server.post('/chat', { user_message: 'hi', session_id: opened[0] });
      expect(again.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('the retention sweep', () => {
  it('runs on the job queue as soon as the workers start', async () => {
    const server = await startTestServer();
    try {
      await expect
        .poll(() => server.logs.some((line) => line.event === 'retention.swept'), {
          timeout: 5_000,
        })
        .toBe(true);
    } finally {
      await server.close();
    }
  });
});

describe('a finished session', () => {
  it('leaves the session store after SESSION_RETENTION_HOURS; the record lives on', async () => {
    // 0.0004 h: 1.44 s.
    const server = await startTestServer({ SESSION_RETENTION_HOURS: '0.0004' });
    const snapshots = await createRedisSnapshotStore(inject('redisUrl'), {
      prefix: server.redisKeyPrefix,
    });
    try {
      const sessionId = await registerUntilPhoto(server, 9);
      const key = { machine: 'session', id: sessionId };
      const file = { bytes: IMAGES.png, name: 'photo.png', type: 'image/png' };
      await server.upload('/upload', { session_id: sessionId }, file);
      const stored = await snapshots.load(key);
      expect(JSON.stringify(stored)).toContain(childFor(9));
      await new Promise((resolve) => setTimeout(resolve, 1_700));
      expect(await snapshots.load(key)).toBeNull();
      const { body } = await server.get('/admin/registrations', bearer());
      expect(body.count).toBe(1);
    } finally {
      await snapshots.close();
      await server.close();
    }
  });
});
