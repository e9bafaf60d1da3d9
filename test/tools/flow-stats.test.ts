import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { connectRedisClient } from '../../tools/redis/connection.ts';
import { createRedisFlowStats } from '../../tools/flow-stats/redis.ts';
import { createSqliteFlowStats } from '../../tools/flow-stats/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import { flowStatsContract } from '../contracts/flow-stats.contract.ts';

flowStatsContract('SQLite', async () => createSqliteFlowStats(openDatabase(':memory:')));
flowStatsContract('Redis', () =>
  createRedisFlowStats(inject('redisUrl'), { prefix: `flow-${randomUUID().slice(0, 8)}-` }),
);

describe('flow statistics in Redis', () => {
  it('cost a turn no round trip: the moves of many sessions are written together', async () => {
    const prefix = `flow-${randomUUID().slice(0, 8)}-`;
    const stats = await createRedisFlowStats(inject('redisUrl'), { prefix });
    const monitor = await connectRedisClient(inject('redisUrl'));
    const commands: string[] = [];
    try {
      await monitor.client.monitor((line) => {
        if (line.includes(prefix)) commands.push(line);
      });
      const at = new Date('2025-08-01T10:00:00Z');
      for (let i = 0; i < 50; i += 1) {
        await stats.moved(`tag-${i}`, { state: 'newRegistration.parentName', finished: false, at });
      }
      expect(commands).toEqual([]);
      const journeys = await stats.journeys(new Date('2025-07-01T00:00:00Z'));
      expect(journeys).toHaveLength(50);
      await new Promise((resolve) => setTimeout(resolve, 100));
      // one read of what was stored for all 50 (then one for the listing), and one transaction
      // (MULTI … EXEC, sent together) writing them
      expect(commands.filter((line) => line.includes('"HMGET"'))).toHaveLength(2);
      expect(commands.filter((line) => line.includes('"HSET"'))).toHaveLength(50);
    } finally {
      await monitor.close();
      await stats.close();
    }
  });
});
