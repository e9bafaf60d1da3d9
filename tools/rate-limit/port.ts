export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Counts requests per key (a session, an address) in a fixed window and says whether one more is
 * allowed: in memory for one process, or in Redis shared by every instance.
 */
export interface RateLimiter {
  /** Counts one request for `key`; throws ToolUnavailableError if the shared count is unreachable. */
  consume(key: string): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

export type RateLimitWindow = {
  /** How many requests a key may make in each window. */
  points: number;
  /** The window, in whole seconds' worth of milliseconds (Redis counts in seconds). */
  durationMs: number;
};
