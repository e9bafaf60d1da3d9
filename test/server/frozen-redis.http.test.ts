import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommitTooLateError, type SnapshotStore } from '../../tools/snapshots/port.ts';
import { createRedisSnapshotStore } from '../../tools/snapshots/redis.ts';
import { startRedis } from '../support/redis.ts';
import { startTestServer, type TestServer } from './support.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DEADLINE_MS = 1_500;

describe('a frozen Redis (SIGSTOP on the test’s own redis-server)', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let server: TestServer;
  let snapshots: SnapshotStore;
  const freeze = () => process.kill(redis.pid, 'SIGSTOP');
  const thaw = () => process.kill(redis.pid, 'SIGCONT');

  beforeAll(async () => {
    redis = await startRedis();
    server = await startTestServer({ REDIS_URL: redis.url }, { turnDeadlineMs: DEADLINE_MS });
    snapshots = await createRedisSnapshotStore(redis.url, { prefix: server.redisKeyPrefix });
  });
  afterAll(async () => {
    thaw();
    await snapshots.close();
    await server.close();
    redis.stop();
  });

  it('answers the parent 503 at the deadline, and the turn is not applied once Redis resumes', async () => {
    const first = await server.post('/chat', { user_message: 'hi, my code is 200-Lions-U10-2526' });
    expect(first.body.routine_number).toBe(1);
    const sessionId = String(first.body.session_id);
    const key = { machine: 'session', id: sessionId };
    const before = await snapshots.load(key);

    freeze();
    const started = Date.now();
    let reply;
    try {
      reply = await server.post('/chat', { user_message: 'sarah o’brien', session_id: sessionId });
    } finally {
      await sleep(300);
      thaw();
    }
    expect(reply.status).toBe(503);
    expect(reply.body).toMatchObject({ error: { code: 'turn_timeout' } });
    expect(reply.body.response).toMatch(/try again/);
    // The rate limiter gives up on Redis first (and lets the parent through), then the deadline.
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 3_500);

    // Everything queued while frozen now runs: the turn must find it may not save.
    await sleep(1_000);
    const after = await snapshots.load(key);
    expect(after?.revision).toBe(before?.revision);
    expect(JSON.stringify(after).toLowerCase()).not.toContain('sarah');
    const next = await server.post('/chat', { user_message: 'where am i?', session_id: sessionId });
    expect(next.status).toBe(200);
    expect(next.body.routine_number).toBe(1);
  });

  it('answers /upload-status 503 with a sentence while Redis is frozen', async () => {
    const { body } = await server.post('/chat', { user_message: 'hello' });
    freeze();
    try {
      const status = await server.get(`/upload-status/${String(body.session_id)}`);
      expect(status.status).toBe(503);
      expect(status.body.response).toMatch(/unavailable just now/);
    } finally {
      thaw();
    }
  });

  it('refuses a save in flight when Redis runs it after its deadline', async () => {
    const key = { machine: 'session', id: `frozen-commit-${Date.now()}` };
    const held = await snapshots.acquire(key);
    const record = {
      version: '1',
      snapshot: { n: 1 },
      savedAt: new Date().toISOString(),
      extra: {},
    };
    freeze();
    const commit = held.commit(record, 60_000, { notAfter: Date.now() + 200 });
    const outcome = commit.then(
      () => 'applied',
      (error: unknown) => error,
    );
    await sleep(600);
    thaw();
    expect(await outcome).toBeInstanceOf(CommitTooLateError);
    expect(await snapshots.load(key)).toBeNull();
    await held.release();
  });

  it('never starts a save after its deadline', async () => {
    const key = { machine: 'session', id: `late-commit-${Date.now()}` };
    const held = await snapshots.acquire(key);
    const record = { version: '1', snapshot: {}, savedAt: new Date().toISOString(), extra: {} };
    await expect(held.commit(record, 60_000, { notAfter: Date.now() - 1 })).rejects.toThrow(
      CommitTooLateError,
    );
    await held.release();
    expect(await snapshots.load(key)).toBeNull();
  });
});
