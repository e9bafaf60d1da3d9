import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SnapshotStore } from '../../tools/snapshots/port.ts';
import { createRedisSnapshotStore } from '../../tools/snapshots/redis.ts';
import { storeSession, type LegacyEnvelope } from '../support/stored.ts';
import { IMAGES, pollUpload, startTestServer, type TestServer } from './support.ts';

const RESTARTED = /start again/;
const fixture = new URL('../fixtures/snapshots/session-v0-parentEmail.json', import.meta.url);

let counter = 0;
const freshId = () => `session-stale-${randomUUID()}-${(counter += 1)}`;

describe('sessions stored by an older version', () => {
  let server: TestServer;
  let sessions: SnapshotStore;
  let v0: LegacyEnvelope;

  beforeAll(async () => {
    server = await startTestServer();
    sessions = await createRedisSnapshotStore(inject('redisUrl'), {
      prefix: server.redisKeyPrefix,
    });
    const stored = JSON.parse(await readFile(fixture, 'utf8')) as { envelope: LegacyEnvelope };
    v0 = stored.envelope;
  });
  afterAll(async () => {
    await sessions.close();
    await server.close();
  });

  /** Stores `stored` as the session, however wrong its snapshot is. */
  async function storeRaw(stored: LegacyEnvelope) {
    const sessionId = freshId();
    await storeSession(sessions, sessionId, stored);
    return sessionId;
  }

  it.each([
    ['a v0 session (the committed fixture)', () => v0],
    ['a string instead of a snapshot', () => ({ version: '2', snapshot: 'not a snapshot' })],
    [
      'a current session with an unreadable snapshot',
      () => ({ ...v0, version: '2', snapshot: {} }),
    ],
  ])('restarts %s politely, and the session works afterwards', async (_name, stored) => {
    const sessionId = await storeRaw(stored());

    const restarted = await server.post('/chat', {
      user_message: 'sam@example.com',
      session_id: sessionId,
      last_agent: 'new_registration',
      routine_number: 9,
    });
    expect(restarted.status).toBe(200);
    expect(restarted.body.response).toMatch(RESTARTED);
    expect(restarted.body).toMatchObject({ last_agent: 'generic', routine_number: null });

    const next = await server.post('/chat', {
      user_message: 'my code is 200-Lions-U10-2526',
      session_id: sessionId,
    });
    expect(next.body).toMatchObject({ last_agent: 'new_registration', routine_number: 1 });
    expect((await sessions.load({ machine: 'session', id: sessionId }))?.version).toBe('2');
  });

  it('takes a photo for a stale session without a 500, restarting it politely', async () => {
    const sessionId = await storeRaw(v0);
    const file = { bytes: IMAGES.jpeg, name: 'photo.jpg', type: 'image/jpeg' };
    const accepted = await server.upload('/upload-async', { session_id: sessionId }, file);
    expect(accepted.status).toBe(200);
    const status = await pollUpload(server, sessionId);
    expect(status.body).toMatchObject({ complete: true, error: null, last_agent: 'generic' });
    // The status shows a neutral sentence; the parent's next message hears of the restart.
    expect(status.body.response).toMatch(/couldn't use that photo/);
    const next = await server.post('/chat', { user_message: 'hello', session_id: sessionId });
    expect(next.status).toBe(200);
    expect(next.body.last_agent).toBe('generic');
  });

  it('never answered 500', () => {
    expect(server.logs.filter((line) => line.event === 'http.failed')).toEqual([]);
    expect(server.logs.filter((line) => line.event === 'instance.restarted')).toHaveLength(4);
  });
});
