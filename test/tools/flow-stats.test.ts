import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createRedisFlowStats } from '../../tools/flow-stats/redis.ts';
import { createSqliteFlowStats } from '../../tools/flow-stats/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import { flowStatsContract } from '../contracts/flow-stats.contract.ts';

flowStatsContract('SQLite', async () => createSqliteFlowStats(openDatabase(':memory:')));
flowStatsContract('Redis', () =>
  createRedisFlowStats(inject('redisUrl'), { prefix: `flow-${randomUUID().slice(0, 8)}-` }),
);
