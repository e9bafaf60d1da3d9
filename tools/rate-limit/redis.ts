import type * as Flexible from 'rate-limiter-flexible';
import { connectRedisKeyv } from '../redis/connection.ts';
import { consumeOne, flexible, windowOptions } from './limiter.ts';
import type { RateLimiter, RateLimitWindow } from './port.ts';

const RateLimiterRedis = flexible<typeof Flexible.RateLimiterRedis>(
  'rate-limiter-flexible/lib/RateLimiterRedis.js',
);

export type RedisRateLimiterOptions = RateLimitWindow & {
  url: string;
  /** Prefix of the counters' keys: limiters with the same prefix share their counts. */
  prefix: string;
  /** A count Redis has not answered within this long fails with ToolUnavailableError (default 2 s). */
  timeoutMs?: number;
};

const DEFAULT_TIMEOUT_MS = 2_000;

/**
 * A rate limit counted in Redis, shared by every process on it. While Redis is unreachable,
 * consume() throws ToolUnavailableError at once (no offline queue): the caller decides.
 */
export async function createRedisRateLimiter(
  options: RedisRateLimiterOptions,
): Promise<RateLimiter> {
  const { url, prefix, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  const limits = windowOptions(options);
  const connection = await connectRedisKeyv(url, prefix);
  const limiter = new RateLimiterRedis({
    ...limits,
    storeClient: connection.client,
    useRedisPackage: true,
    rejectIfRedisNotReady: true,
    keyPrefix: prefix,
  });
  return {
    consume: (key) => consumeOne(limiter, key, timeoutMs),
    close: () => connection.close(),
  };
}
