import { createRequire } from 'node:module';
import type * as Flexible from 'rate-limiter-flexible';
import { ToolUnavailableError } from '../tool.ts';
import { within } from '../within.ts';
import type { RateLimitDecision, RateLimitWindow } from './port.ts';

/**
 * A class of rate-limiter-flexible from its own file: the package's index loads every store it
 * supports (Mongo, Postgres, Dynamo, …), ~4 MB and ~20 ms at start for none of them.
 */
export const flexible = createRequire(import.meta.url) as <T>(file: string) => T;
const RateLimiterRes = flexible<typeof Flexible.RateLimiterRes>(
  'rate-limiter-flexible/lib/RateLimiterRes.js',
);

/** rate-limiter-flexible's options for a window, refusing what it would silently round. */
export function windowOptions({ points, durationMs }: RateLimitWindow) {
  if (!Number.isInteger(points) || points < 1) {
    throw new RangeError(`points must be a whole number of at least 1 (got ${points})`);
  }
  if (!Number.isInteger(durationMs / 1_000) || durationMs < 1_000) {
    throw new RangeError(`durationMs must be a whole number of seconds (got ${durationMs})`);
  }
  return { points, duration: durationMs / 1_000 };
}

/** One request against `limiter`: a refusal is an answer, any other failure is the store's. */
export async function consumeOne(
  limiter: Flexible.RateLimiterAbstract,
  key: string,
  timeoutMs?: number,
): Promise<RateLimitDecision> {
  try {
    const consumed = limiter.consume(key);
    await (timeoutMs === undefined ? consumed : within(consumed, timeoutMs));
    return { allowed: true };
  } catch (outcome) {
    if (outcome instanceof RateLimiterRes) {
      return { allowed: false, retryAfterMs: Math.max(0, outcome.msBeforeNext) };
    }
    throw new ToolUnavailableError('rateLimit', { cause: outcome });
  }
}
