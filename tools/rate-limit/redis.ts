import { z } from 'zod';
import { connectRedisClient } from '../redis/connection.ts';
import { redisScript } from '../redis/script.ts';
import { ToolUnavailableError } from '../tool.ts';
import { within } from '../within.ts';
import { windowOptions } from './limiter.ts';
import type { RateLimitDecision, RateLimiter, RateLimitWindow } from './port.ts';

export type RedisRateLimiterOptions = RateLimitWindow & {
  url: string;
  /** Prefix of the counters' keys: limiters with the same prefix share their counts. */
  prefix: string;
  /** A count Redis has not answered within this long fails with ToolUnavailableError (default 2 s). */
  timeoutMs?: number;
  /** How often this process adds its requests to the shared counts (default 100 ms). */
  flushMs?: number;
};

const DEFAULT_TIMEOUT_MS = 2_000;
/** How often counts made here are added to the shared ones: the most several processes overshoot. */
export const DEFAULT_FLUSH_MS = 100;

/**
 * Adds ARGV[i + 1] to the counter KEYS[i], starting a window of ARGV[1] ms if it has none, and
 * answers each counter's total and the ms its window has left. The same counters (key
 * `<prefix>:<key>`, value, expiry) as rate-limiter-flexible's, so an older instance shares them.
 */
const ADD_COUNTS = redisScript(`
local out = {}
for i, key in ipairs(KEYS) do
  redis.call('SET', key, 0, 'PX', ARGV[1], 'NX')
  local total = redis.call('INCRBY', key, ARGV[i + 1])
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, ARGV[1])
    ttl = tonumber(ARGV[1])
  end
  out[i] = {total, ttl}
end
return out
`);

/**
 * One key's count as this process knows it: the shared total at the last answer from Redis, the
 * requests on their way there, and those counted here since.
 */
type Count = {
  shared: number;
  sending: number;
  pending: number;
  /** When the window ends (epoch ms, from the counter's TTL); the count is unknown after. */
  endsAt: number;
  /** Set while the first request of a window reads the shared count; the others wait for it. */
  loading?: Promise<boolean>;
};

/**
 * A rate limit counted in Redis, shared by every process on it, without a round trip per request.
 * The first request of a key in a window adds itself to the shared counter and reads it (one round
 * trip); later ones are decided from that total plus the requests counted here since, which are
 * added to the shared counter in one write every `flushMs` (whose answer updates the total). One
 * process alone therefore refuses exactly; several processes together may admit up to one flush
 * interval's worth of each other's requests beyond the limit (what each admitted before it
 * learned the others' counts). While Redis is unreachable, consume() throws ToolUnavailableError
 * at once (no offline queue): the caller decides.
 */
export async function createRedisRateLimiter(
  options: RedisRateLimiterOptions,
): Promise<RateLimiter> {
  const { url, prefix, timeoutMs = DEFAULT_TIMEOUT_MS, flushMs = DEFAULT_FLUSH_MS } = options;
  const { points, duration } = windowOptions(options);
  const windowMs = String(duration * 1_000);
  const { client, close } = await connectRedisClient(url);
  const counts = new Map<string, Count>();
  let flushTimer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;

  const unavailable = (cause: unknown) => new ToolUnavailableError('rateLimit', { cause });

  /** Adds `adds[i]` to the counter of `keys[i]`: each one's total and the ms its window has left. */
  async function addCounts(keys: string[], adds: number[]): Promise<[number, number][]> {
    const request = {
      keys: keys.map((key) => `${prefix}:${key}`),
      arguments: [windowMs, ...adds.map(String)],
    };
    return parseCounts(await within(ADD_COUNTS.run(client, request), timeoutMs), keys.length);
  }

  const decide = (total: number, endsAt: number, now: number): RateLimitDecision =>
    total <= points
      ? { allowed: true }
      : { allowed: false, retryAfterMs: Math.max(0, endsAt - now) };

  /** Adds what was counted here to the shared counters and learns their totals. */
  async function flush() {
    flushTimer = undefined;
    const now = Date.now();
    const keys: string[] = [];
    const sent: Count[] = [];
    for (const [key, count] of counts) {
      if (count.loading) continue;
      // A window over: its uncounted requests belonged to it, and the key is read afresh.
      if (count.endsAt <= now) counts.delete(key);
      else if (count.pending > 0) {
        keys.push(key);
        sent.push(count);
        count.sending = count.pending;
        count.pending = 0;
      }
    }
    if (keys.length === 0) return;
    try {
      const answers = await addCounts(
        keys,
        sent.map((count) => count.sending),
      );
      const answered = Date.now();
      sent.forEach((count, i) => {
        const [total, ttl] = answers[i] ?? [0, 0];
        count.shared = total;
        count.sending = 0;
        count.endsAt = answered + ttl;
      });
    } catch {
      // Not counted in Redis: each key is read afresh by its next request (which reports the
      // failure if Redis is still unreachable).
      keys.forEach((key, i) => {
        if (counts.get(key) === sent[i]) counts.delete(key);
      });
    }
  }

  function scheduleFlush() {
    if (flushTimer || flushing) return;
    flushTimer = setTimeout(() => {
      flushing = flush().finally(() => {
        flushing = undefined;
        if ([...counts.values()].some((count) => count.pending > 0)) scheduleFlush();
      });
    }, flushMs);
    flushTimer.unref();
  }

  /** The first request of a key's window: counted in Redis at once, and the total read. */
  async function load(key: string): Promise<RateLimitDecision> {
    let done!: (loaded: boolean) => void;
    const count: Count = {
      shared: 0,
      sending: 0,
      pending: 0,
      endsAt: 0,
      loading: new Promise<boolean>((resolve) => (done = resolve)),
    };
    counts.set(key, count);
    try {
      const [total, ttl] = (await addCounts([key], [1]))[0] ?? [0, 0];
      const now = Date.now();
      count.shared = total;
      count.endsAt = now + ttl;
      delete count.loading;
      done(true);
      return decide(total, count.endsAt, now);
    } catch (error) {
      if (counts.get(key) === count) counts.delete(key);
      done(false);
      throw unavailable(error);
    }
  }

  return {
    async consume(key) {
      if (!client.isReady) throw unavailable(new Error('Redis is not connected'));
      for (;;) {
        const count = counts.get(key);
        if (count?.loading) {
          // The requests behind a read that failed fail with it rather than each waiting again.
          if (!(await count.loading)) throw unavailable(new Error('the shared count was not read'));
          continue;
        }
        const now = Date.now();
        if (!count || count.endsAt <= now) return load(key);
        count.pending += 1;
        scheduleFlush();
        return decide(count.shared + count.sending + count.pending, count.endsAt, now);
      }
    },
    async close() {
      clearTimeout(flushTimer);
      flushTimer = undefined;
      await flushing;
      if (client.isReady) await flush();
      await close();
    },
  };
}

/** Redis's answer to ADD_COUNTS: a [total, ms left] pair of integers per key. */
const Counts = z.array(z.tuple([z.int(), z.int()]));

function parseCounts(answer: unknown, length: number): [number, number][] {
  const counts = Counts.parse(answer);
  if (counts.length !== length) throw new Error(`${counts.length} counts for ${length} keys`);
  return counts;
}
