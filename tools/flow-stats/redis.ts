import { connectRedisClient } from '../redis/connection.ts';
import { ToolUnavailableError } from '../tool.ts';
import {
  advance,
  JOURNEY_RETENTION_MS,
  readJourney,
  type FlowStats,
  type Journey,
} from './port.ts';

/** Fields read per HMGET when listing journeys. */
const BATCH = 1_000;

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
  return {
    async moved(tag, position) {
      const previous = readJourney(await reaching(() => client.hGet(hash, tag)));
      const journey = advance(previous, position);
      const before = position.at.getTime() - JOURNEY_RETENTION_MS;
      await reaching(() =>
        client
          .multi()
          .hSet(hash, tag, JSON.stringify(journey))
          .zAdd(byTime, { score: journey.lastAt, value: tag })
          .exec(),
      );
      const old = await reaching(() => client.zRangeByScore(byTime, '-inf', `(${before}`));
      if (old.length > 0) {
        await reaching(() =>
          client.multi().hDel(hash, old).zRemRangeByScore(byTime, '-inf', `(${before}`).exec(),
        );
      }
    },
    async journeys(since) {
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
    close,
  };
}
