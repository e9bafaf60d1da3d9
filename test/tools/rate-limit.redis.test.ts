import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { RateLimiter } from '../../tools/rate-limit/port.ts';
import { createRedisRateLimiter } from '../../tools/rate-limit/redis.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';
import { rateLimitContract } from '../contracts/rate-limit.contract.ts';
import { startRedis } from '../support/redis.ts';

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

  it('shares one count between two limiters on one Redis, as two web instances would', async () => {
    const options = {
      url: inject('redisUrl'),
      prefix: uniquePrefix(),
      points: 4,
      durationMs: 60_000,
    };
    const [first, second] = [await open(options), await open(options)];
    const decisions = await Promise.all(
      Array.from({ length: 6 }, (_, n) => (n % 2 ? first : second).consume('session-a')),
    );
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(4);
    expect(await first.consume('session-a')).toMatchObject({ allowed: false });
    expect(await second.consume('session-a')).toMatchObject({ allowed: false });
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
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await expect(limiter.consume('session-a')).rejects.toThrow(ToolUnavailableError);
    expect(Date.now() - started).toBeLessThan(2_500);
  });
});
