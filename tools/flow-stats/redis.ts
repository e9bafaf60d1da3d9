import { connectRedisClient } from '../redis/connection.ts';
import { ToolUnavailableError } from '../tool.ts';
import {
  advance,
  JOURNEY_RETENTION_MS,
  readJourney,
  type FlowStats,
  type Journey,
  type Position,
} from './port.ts';

/** Fields read per HMGET when listing journeys. */
const BATCH = 1_000;
/** How often buffered moves are written. */
const FLUSH_EVERY_MS = 1_000;
/** A burst writes early rather than buffer without bound. */
const MAX_PENDING = 500;
/** Journeys past their retention are dropped at most this often. */
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Journeys in Redis: one hash `<prefix>flow-journeys` (tag → journey JSON) and a sorted set
 * `<prefix>flow-journeys-at` (tag by last turn) to list recent ones and prune old ones cheaply.
 */
export async function createRedisFlowStats(
  url: string,
  { prefix }: { prefix: string },
): Promise<FlowStats> {
  const { client, close } = await connectRedisClient(url);
  const hash = `${prefix}flow-journeys`;
  const byTime = `${prefix}flow-journeys-at`;
  const reaching = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (cause) {
      throw new ToolUnavailableError('flow-stats', { cause });
    }
  };
  let pending: { tag: string; position: Position }[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let prunedAt = 0;

  /** Writes the buffered moves: one HMGET, one MULTI, and at most hourly a prune. */
  async function write(moves: { tag: string; position: Position }[]) {
    const tags = [...new Set(moves.map((move) => move.tag))];
    const stored = await reaching(() => client.hmGet(hash, tags));
    const journeys = new Map(tags.map((tag, i) => [tag, readJourney(stored[i])]));
    for (const { tag, position } of moves) {
      journeys.set(tag, advance(journeys.get(tag) ?? null, position));
    }
    const multi = client.multi();
    for (const [tag, journey] of journeys) {
      if (!journey) continue;
      multi.hSet(hash, tag, JSON.stringify(journey));
      multi.zAdd(byTime, { score: journey.lastAt, value: tag });
    }
    await reaching(() => multi.exec());
    const last = moves.at(-1)?.position.at.getTime() ?? 0;
    if (last - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = last;
    const before = last - JOURNEY_RETENTION_MS;
    const old = await reaching(() => client.zRangeByScore(byTime, '-inf', `(${before}`));
    if (old.length > 0) {
      await reaching(() =>
        client.multi().hDel(hash, old).zRemRangeByScore(byTime, '-inf', `(${before}`).exec(),
      );
    }
  }

  /** Sends what is buffered, after any write still on its way (moves stay in order). */
  function flush(): Promise<void> {
    const moves = pending;
    pending = [];
    flushing = flushing.then(() => (moves.length > 0 ? write(moves) : undefined));
    // A statistic is never worth a failed turn: a write that fails is dropped (and said by the caller's log).
    const settled = flushing;
    flushing = flushing.catch(() => {});
    return settled;
  }

  const timer = setInterval(() => void flush().catch(() => {}), FLUSH_EVERY_MS);
  timer.unref();

  return {
    /**
     * Buffered: a turn costs no round trip to Redis; the moves of every session are written
     * together each FLUSH_EVERY_MS (a crash may lose the last second of statistics, nothing else).
     */
    async moved(tag, position) {
      pending.push({ tag, position });
      if (pending.length >= MAX_PENDING) await flush();
    },
    async journeys(since) {
      await flush();
      const tags = await reaching(() => client.zRangeByScore(byTime, since.getTime(), '+inf'));
      const found: Journey[] = [];
      for (let start = 0; start < tags.length; start += BATCH) {
        const values = await reaching(() => client.hmGet(hash, tags.slice(start, start + BATCH)));
        for (const value of values) {
          const journey = readJourney(value);
          if (journey) found.push(journey);
        }
      }
      return found;
    },
    async close() {
      clearInterval(timer);
      await flush().catch(() => {});
      await close();
    },
  };
}
