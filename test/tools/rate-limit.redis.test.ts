import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { connectRedisClient } from '../../tools/redis/connection.ts';
import type { RateLimiter } from '../../tools/rate-limit/port.ts';
import { createRedisRateLimiter } from '../../tools/rate-limit/redis.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';
import { rateLimitContract } from '../contracts/rate-limit.contract.ts';
import { startRedis } from '../support/redis.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const uniquePrefix = () => `rl-${randomUUID().slice(0, 8)}`;

describe('Redis rate limiter', () => {
  rateLimitContract((window) =>
    createRedisRateLimiter({ url: inject('redisUrl'), prefix: uniquePrefix(), ...window }),
  );
});

describe('Redis rate limiter, shared', () => {
  const opened: RateLimiter[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((limiter) => limiter.close()));
  });
  const open = async (options: Parameters<typeof createRedisRateLimiter>[0]) => {
    const limiter = await createRedisRateLimiter(options);
    opened.push(limiter);
    return limiter;
  };

  // Each limiter adds its requests to the shared count once per flush interval: one alone refuses
  // exactly, several together may admit up to one interval's worth of each other's requests.
  const FLUSH_MS = 50;
  const shared = (points: number) => ({
    url: inject('redisUrl'),
    prefix: uniquePrefix(),
    points,
    durationMs: 60_000,
    flushMs: FLUSH_MS,
  });
  const afterAFlush = () => sleep(FLUSH_MS * 2 + 50);

  it("counts another limiter's requests once they are flushed, as two web instances would", async () => {
    const options = shared(4);
    const [first, second] = [await open(options), await open(options)];
    for (let n = 0; n < 3; n += 1)
      expect(await first.consume('session-a')).toEqual({ allowed: true });
    await afterAFlush();
    expect(await second.consume('session-a')).toEqual({ allowed: true });
    expect(await second.consume('session-a')).toMatchObject({ allowed: false });
    // The first has not seen the second's requests until its own next flush: one more may pass.
    await first.consume('session-a');
    await afterAFlush();
    expect(await first.consume('session-a')).toMatchObject({ allowed: false });
  });

  it('admits at most one limit per limiter from a burst at two at once, then refuses on both', async () => {
    const options = shared(4);
    const [first, second] = [await open(options), await open(options)];
    const decisions = await Promise.all(
      Array.from({ length: 12 }, (_, n) => (n % 2 ? first : second).consume('session-a')),
    );
    const allowed = decisions.filter((decision) => decision.allowed).length;
    expect(allowed).toBeGreaterThanOrEqual(4);
    // Each limiter alone refuses exactly: together they overshoot by what one admitted unseen.
    expect(allowed).toBeLessThanOrEqual(8);
    await afterAFlush();
    expect(await first.consume('session-a')).toMatchObject({ allowed: false });
    expect(await second.consume('session-a')).toMatchObject({ allowed: false });
  });

  it('writes its count to Redis once per flush interval, not once per request', async () => {
    const redis = await startRedis();
    const monitor = await connectRedisClient(redis.url);
    try {
      const options = { ...shared(100), url: redis.url };
      const limiter = await open(options);
      for (let n = 0; n < 20; n += 1) await limiter.consume('session-a');
      await afterAFlush();
      const stats = await monitor.client.info('commandstats');
      const calls = [...stats.matchAll(/^cmdstat_(eval|evalsha):calls=(\d+)/gm)];
      const scripts = calls.reduce((sum, match) => sum + Number(match[2]), 0);
      // The first request's read, the first (full) sending of the script, and one flush.
      expect(scripts).toBeGreaterThanOrEqual(2);
      expect(scripts).toBeLessThanOrEqual(3);
      // The counter rate-limiter-flexible kept (`<prefix>:<key>`, with the window as its TTL).
      expect(await monitor.client.get(`${options.prefix}:session-a`)).toBe('20');
      expect(await monitor.client.pTTL(`${options.prefix}:session-a`)).toBeGreaterThan(59_000);
    } finally {
      await monitor.close();
      redis.stop();
    }
  });

  it('hands its count on when closed, so a limiter started after it goes on from there', async () => {
    const options = shared(3);
    const before = await createRedisRateLimiter(options);
    for (let n = 0; n < 2; n += 1) await before.consume('session-a');
    await before.close();
    const after = await open(options);
    expect(await after.consume('session-a')).toEqual({ allowed: true });
    expect(await after.consume('session-a')).toMatchObject({ allowed: false });
  });

  it('keeps the counts of different prefixes apart', async () => {
    const url = inject('redisUrl');
    const chat = await open({ url, prefix: uniquePrefix(), points: 1, durationMs: 60_000 });
    const uploads = await open({ url, prefix: uniquePrefix(), points: 1, durationMs: 60_000 });
    expect(await chat.consume('session-a')).toEqual({ allowed: true });
    expect(await uploads.consume('session-a')).toEqual({ allowed: true });
  });

  it('throws ToolUnavailableError while Redis is down, leaving the decision to the caller', async () => {
    const redis = await startRedis();
    const limiter = await open({
      url: redis.url,
      prefix: uniquePrefix(),
      points: 5,
      durationMs: 60_000,
    });
    expect(await limiter.consume('session-a')).toEqual({ allowed: true });
    redis.stop();
    await sleep(200);
    const started = Date.now();
    await expect(limiter.consume('session-a')).rejects.toThrow(ToolUnavailableError);
    expect(Date.now() - started).toBeLessThan(2_500);
  });
});
