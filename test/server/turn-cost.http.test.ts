import { createHook } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_FLUSH_MS } from '../../tools/rate-limit/redis.ts';
import { connectRedisClient } from '../../tools/redis/connection.ts';
import { countAbortControllers } from '../support/abort-controllers.ts';
import { startTestServer, type TestServer } from './support.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `jobs` with at most `limit` in flight. */
async function pool(jobs: number, limit: number, job: (index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < jobs) await job(next++);
    }),
  );
}

/**
 * Timers alive in this process, referenced or not (an unref'd timer, e.g. AbortSignal.timeout's,
 * is missing from process.getActiveResourcesInfo() but still holds its closure until it fires).
 */
function liveTimers() {
  const live = new Set<number>();
  const hook = createHook({
    init: (id, type) => {
      if (type === 'Timeout') live.add(id);
    },
    destroy: (id) => {
      live.delete(id);
    },
  }).enable();
  return { count: () => live.size, stop: () => hook.disable() };
}

/**
 * POST /chat on a connection of its own, closed after the answer: no keep-alive connection (and
 * its idle timers on either side) outlives the request, so every timer left is the server's.
 */
function chatOnce(url: string, text: string, sessionId: string) {
  return new Promise<number>((resolve, reject) => {
    const body = JSON.stringify({ user_message: text, session_id: sessionId });
    const sent = request(
      `${url}/chat`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', connection: 'close' },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

/** The number of 'Timeout' entries process.getActiveResourcesInfo() lists (referenced timers). */
const activeTimeouts = () =>
  process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

describe('what a turn leaves behind and what it asks of Redis', () => {
  let server: TestServer;
  let sessionId: string;
  const chat = async (text: string, id?: string) => {
    const reply = await server.post('/chat', { user_message: text, session_id: id });
    expect(reply.status).toBe(200);
    return reply;
  };

  beforeAll(async () => {
    server = await startTestServer();
    const first = await chat('hi, my code is 200-Lions-U10-2526');
    sessionId = String(first.body.session_id);
  });
  afterAll(() => server.close());

  it('holds no timer per request once a burst of chat requests has been answered', async () => {
    const BURST = 60;
    const CONCURRENT = 6;
    const timers = liveTimers();
    try {
      const sessions = Array.from({ length: CONCURRENT }, () => `session-${randomUUID()}`);
      for (const id of sessions) expect(await chatOnce(server.url, 'hello', id)).toBe(200);
      await sleep(50);
      const [liveBefore, activeBefore] = [timers.count(), activeTimeouts()];
      const statuses: number[] = [];
      await pool(BURST, CONCURRENT, async (index) => {
        const id = sessions[index % CONCURRENT] ?? sessionId;
        statuses.push(await chatOnce(server.url, 'how much does it cost?', id));
      });
      expect(statuses).toEqual(Array.from({ length: BURST }, () => 200));
      // A cleared timer is reported destroyed on a later tick.
      await sleep(50);
      const [liveAfter, activeAfter] = [timers.count(), activeTimeouts()];
      expect(liveAfter - liveBefore).toBeLessThanOrEqual(4);
      expect(activeAfter - activeBefore).toBeLessThanOrEqual(2);
    } finally {
      timers.stop();
    }
  });

  it('makes no AbortSignal for a turn that runs no effect and asks no model', async () => {
    const controllers = countAbortControllers();
    try {
      // A question about fees: answered from the club's facts, nothing to look up or save elsewhere.
      expect(await chatOnce(server.url, 'how much does it cost?', sessionId)).toBe(200);
    } finally {
      controllers.stop();
    }
    expect(controllers.made()).toBe(0);
  });

  it('takes two round trips to Redis for a session turn (lock and load, save and release), and none for the rate limit', async () => {
    // The rate limit's writes for the earlier requests are done.
    await sleep(DEFAULT_FLUSH_MS + 100);
    const monitor = await connectRedisClient(inject('redisUrl'));
    /** Each command a client sent, with Redis's time of it (seconds). */
    const commands: { at: number; line: string }[] = [];
    let turn = { from: 0, to: 0 };
    try {
      const prefix = server.redisKeyPrefix;
      // Commands a client sent ("[0 127.0.0.1:port]"), not those a script ran ("[0 lua]").
      await monitor.client.monitor((line) => {
        // The flow statistics of every session are written together once a second, not by a turn
        // (test/tools/flow-stats.test.ts counts them): a flush may fall in this window.
        if (line.includes(`${prefix}flow-journeys`)) return;
        if (line.includes(prefix) && !/^\S+ \[\d+ lua\]/.test(line)) {
          commands.push({ at: Number(line.split(' ')[0]), line });
        }
      });
      // The rate limit's count for this address was read by the earlier turns: this one is
      // counted here and added to Redis's count with the others of its flush interval.
      const from = Date.now() / 1000;
      await chat('how much does it cost?', sessionId);
      turn = { from, to: Date.now() / 1000 };
      // MONITOR's lines may reach this connection after the reply: wait for them, then past the
      // rate limit's flush interval (DEFAULT_FLUSH_MS) for its write.
      for (let waited = 0; commands.length < 2 && waited < 2_000; waited += 20) await sleep(20);
      await sleep(DEFAULT_FLUSH_MS + 200);
    } finally {
      await monitor.close();
    }
    const limit = commands.filter(({ line }) =>
      line.includes(`${server.redisKeyPrefix}rate-limit`),
    );
    const session = commands.filter(({ line }) =>
      line.includes(`${server.redisKeyPrefix}lock:session:`),
    );
    expect(session.map(({ at }) => at >= turn.from - 0.01 && at <= turn.to + 0.01)).toEqual([
      true,
      true,
    ]);
    // Once, a flush interval after the request was counted (not a round trip the turn waited for).
    expect(limit).toHaveLength(1);
    expect(limit[0]?.at).toBeGreaterThanOrEqual(turn.from + DEFAULT_FLUSH_MS / 1000 - 0.01);
    expect(commands).toHaveLength(session.length + limit.length);
  });
});
