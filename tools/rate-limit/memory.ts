import type * as Flexible from 'rate-limiter-flexible';
import { consumeOne, flexible, windowOptions } from './limiter.ts';
import type { RateLimiter, RateLimitWindow } from './port.ts';

const RateLimiterMemory = flexible<typeof Flexible.RateLimiterMemory>(
  'rate-limiter-flexible/lib/RateLimiterMemory.js',
);

/** A rate limit counted in this process only (the embedded mode: one process serves everyone). */
export function createMemoryRateLimiter(window: RateLimitWindow): RateLimiter {
  const limiter = new RateLimiterMemory(windowOptions(window));
  return {
    consume: (key) => consumeOne(limiter, key),
    close: async () => {},
  };
}
