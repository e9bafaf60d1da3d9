import { connectRedisClient } from '../redis/connection.ts';
import { ToolUnavailableError } from '../tool.ts';
import { checkInterval, waitFor, type Schedule } from './schedule.ts';

/**
 * Takes the next slot atomically on Redis's own clock (so the processes' clocks do not matter):
 * slot = max(now, last + interval); answers how many ms to wait for it.
 */
const TAKE_SLOT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[1])
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, last + interval)
redis.call('SET', KEYS[1], slot, 'PX', slot - now + interval * 10)
return slot - now
`;

/** Where the shared schedule lives and how far apart its slots are. */
export type RedisScheduleOptions = {
  url: string;
  /** Prefix of the slots' keys: schedules with the same prefix and key share their slots. */
  prefix: string;
  intervalMs: number;
  /** A slot Redis has not given within this long fails with ToolUnavailableError (default 2 s). */
  timeoutMs?: number;
};

/**
 * A schedule shared by every process on one Redis: together they make at most one call per
 * `intervalMs` for a key, each waiting its turn. While Redis is unreachable, wait() throws
 * ToolUnavailableError (the caller's retry decides).
 */
export async function createRedisSchedule(options: RedisScheduleOptions): Promise<Schedule> {
  const intervalMs = checkInterval(options.intervalMs);
  const timeoutMs = options.timeoutMs ?? 2_000;
  const { client, close } = await connectRedisClient(options.url);
  return {
    async wait(key, signal) {
      signal?.throwIfAborted();
      let waitMs: number;
      try {
        const answer = await Promise.race([
          client.eval(TAKE_SLOT, {
            keys: [`${options.prefix}${key}`],
            arguments: [String(intervalMs)],
          }),
          waitFor(timeoutMs, signal).then(() => {
            throw new Error(`no slot within ${timeoutMs} ms`);
          }),
        ]);
        waitMs = Number(answer);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        throw new ToolUnavailableError('rateLimit', { cause: error });
      }
      await waitFor(waitMs, signal);
    },
    close,
  };
}
