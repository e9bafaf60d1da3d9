import { afterEach, expect, it } from 'vitest';
import type { RateLimiter, RateLimitWindow } from '../../tools/rate-limit/port.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The meaning every RateLimiter adapter shares. `make` gives a limiter on a fresh, empty count.
 */
export function rateLimitContract(make: (window: RateLimitWindow) => Promise<RateLimiter>) {
  const opened: RateLimiter[] = [];
  const limiter = async (window: RateLimitWindow) => {
    const made = await make(window);
    opened.push(made);
    return made;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((made) => made.close()));
  });

  it('allows `points` requests per key in a window, then says how long to wait', async () => {
    const limits = await limiter({ points: 3, durationMs: 60_000 });
    const decisions = [];
    for (let n = 0; n < 4; n += 1) decisions.push(await limits.consume('session-a'));
    expect(decisions.slice(0, 3)).toEqual([
      { allowed: true },
      { allowed: true },
      { allowed: true },
    ]);
    expect(decisions[3]).toEqual({ allowed: false, retryAfterMs: expect.any(Number) });
    const { retryAfterMs } = decisions[3] as { retryAfterMs: number };
    expect(retryAfterMs).toBeGreaterThan(59_000);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('counts each key apart', async () => {
    const limits = await limiter({ points: 1, durationMs: 60_000 });
    expect(await limits.consume('session-a')).toEqual({ allowed: true });
    expect(await limits.consume('session-b')).toEqual({ allowed: true });
    expect(await limits.consume('session-a')).toMatchObject({ allowed: false });
  });

  it('allows requests again once the window has passed', async () => {
    const limits = await limiter({ points: 1, durationMs: 1_000 });
    expect(await limits.consume('session-a')).toEqual({ allowed: true });
    const refused = await limits.consume('session-a');
    if (refused.allowed) throw new Error('the second request was allowed');
    await sleep(refused.retryAfterMs + 50);
    expect(await limits.consume('session-a')).toEqual({ allowed: true });
  });

  it('gives every one of many requests at once its own count', async () => {
    const limits = await limiter({ points: 5, durationMs: 60_000 });
    const decisions = await Promise.all(
      Array.from({ length: 12 }, () => limits.consume('session-a')),
    );
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(5);
  });

  it.each([
    ['no points', { points: 0, durationMs: 1_000 }],
    ['a fraction of a point', { points: 1.5, durationMs: 1_000 }],
    ['a window shorter than a second', { points: 1, durationMs: 500 }],
    ['a window not in whole seconds', { points: 1, durationMs: 1_500 }],
  ])('refuses a window with %s', async (_, window) => {
    await expect(limiter(window)).rejects.toThrow(RangeError);
  });
}
