import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedisSnapshotStore } from '../../tools/snapshots/redis.ts';

import {
  bearer,
  IMAGES,
  PERSONAL_DATA,
  pollUpload,
  REGISTRATION,
  startTestServer,
  type TestServer,
} from './support.ts';

/** Values a frontend might send back: stale, forged or from another session. */
const FORGED_HINTS = [
  { last_agent: 'new_registration', routine_number: 35 },
  { last_agent: 'generic', routine_number: 'new_registration' },
  { last_agent: 're_registration', routine_number: '34' },
  { last_agent: null, routine_number: null },
];

describe('POST /chat over Redis-backed sessions', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('runs a whole registration to routine 35, whatever hints the client sends', async () => {
    let sessionId: string | undefined;
    for (const [index, [text, routine]] of REGISTRATION.entries()) {
      const hints = FORGED_HINTS[index % FORGED_HINTS.length];
      const { status, body } = await server.post('/chat', {
        user_message: text,
        session_id: sessionId,
        ...hints,
      });
      expect({ text, status, routine: body.routine_number }).toEqual({
        text,
        status: 200,
        routine,
      });
      expect(body.last_agent).toBe('new_registration');
      expect(body.response).toEqual(expect.any(String));
      sessionId = String(body.session_id);
    }
    expect(sessionId).toMatch(/^session-[0-9a-f-]{36}$/);

    const accepted = await server.upload(
      '/upload-async',
      { session_id: String(sessionId), last_agent: 'generic', routine_number: '1' },
      { bytes: IMAGES.jpeg, name: 'leo.jpg', type: 'image/jpeg' },
    );
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      processing: true,
      session_id: sessionId,
      last_agent: 'new_registration',
      routine_number: 34,
    });

    const done = await pollUpload(server, String(sessionId));
    expect(done.body).toMatchObject({
      complete: true,
      error: null,
      last_agent: 'new_registration',
      routine_number: 35,
    });
    expect(done.body.updated_at).toEqual(expect.any(String));

    const { status, body } = await server.get('/admin/registrations', bearer());
    expect(status).toBe(200);
    expect(body.count).toBe(1);
    const [registration] = body.registrations as { id: string; fields: Record<string, unknown> }[];
    expect(registration?.fields).toMatchObject({
      player_first_name: 'Leo',
      player_last_name: "O'Brien",
      player_dob: '03-02-2016',
      parent_first_name: 'Sarah',
      parent_telephone: '07700900123',
      parent_email: 'sarah@example.com',
      parent_post_code: 'M32 8JL',
      team: 'Lions',
      age_group: 'u10',
      preferred_payment_day: 15,
      kit_size: '9/10',
      shirt_number: '7',
      registration_status: 'pending_payment',
    });
    expect(registration?.fields.id_image_link).toMatch(/^photos\/players\/[0-9a-f]{32}\.jpg$/);

    const one = await server.get(`/admin/registrations/${registration?.id}`, bearer());
    expect(one.body).toEqual(registration);
  });

  it('never writes what the parent typed to the log', () => {
    const logged = JSON.stringify(server.logs);
    for (const personal of PERSONAL_DATA) expect(logged).not.toContain(personal);
    expect(server.logs.some((line) => line.event === 'turn.completed')).toBe(true);
  });

  it('writes one line for a chat turn (turn.completed) and http.request for a refused one', async () => {
    const before = server.logs.length;
    const turn = await server.post('/chat', { user_message: 'hello' });
    const refused = await server.post('/chat', { user_message: '' });
    expect([turn.status, refused.status]).toEqual([200, 400]);
    const lines = server.logs.slice(before).map((line) => [line.event, line.data?.status]);
    expect(lines.filter(([event]) => event === 'turn.completed')).toHaveLength(1);
    expect(lines.filter(([event]) => event === 'http.request')).toEqual([['http.request', 400]]);
  });

  it.each(FORGED_HINTS)('keeps a new session generic despite hints %o', async (hints) => {
    const { status, body } = await server.post('/chat', { user_message: 'yes', ...hints });
    expect(status).toBe(200);
    expect(body).toMatchObject({ last_agent: 'generic', routine_number: null });
  });

  it('continues a session on a second instance sharing the Redis', async () => {
    const first = await server.post('/chat', { user_message: '200-Tigers-U13-2526' });
    const other = await startTestServer({ REDIS_KEY_PREFIX: server.redisKeyPrefix });
    try {
      const next = await other.post('/chat', {
        user_message: 'Jo Bloggs',
        session_id: first.body.session_id,
      });
      expect(next.body).toMatchObject({ routine_number: 2, session_id: first.body.session_id });
    } finally {
      await other.close();
    }
  });

  it('answers 409 with a kind sentence while another turn holds the session', async () => {
    const { body } = await server.post('/chat', { user_message: 'hello' });
    const sessionId = String(body.session_id);
    const store = await createRedisSnapshotStore(inject('redisUrl'), {
      prefix: server.redisKeyPrefix,
    });
    const held = await store.acquire({ machine: 'session', id: sessionId });
    try {
      const busy = await server.post('/chat', { user_message: 'hello?', session_id: sessionId });
      expect(busy.status).toBe(409);
      expect(busy.body).toMatchObject({ error: { code: 'session_busy' } });
      expect(busy.body.response).toMatch(/send that again/);
    } finally {
      await held.release();
      await store.close();
    }
  });
});
