import { inject } from 'vitest';
import { createRedisSnapshotStore } from '../../tools/snapshots/redis.ts';
import { createSqliteSnapshotStore } from '../../tools/snapshots/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import { snapshotStoreContract } from '../contracts/snapshot-store.contract.ts';
import { tempDatabasePath, uniquePrefix } from './temp-database.ts';

snapshotStoreContract('SQLite', () => {
  const path = tempDatabasePath('snapshots');
  return async (options) => {
    const db = openDatabase(path);
    const store = createSqliteSnapshotStore(db, options);
    return {
      ...store,
      close: async () => {
        db.close();
      },
    };
  };
});

snapshotStoreContract('Redis', () => {
  const prefix = uniquePrefix('snapshots');
  return (options) => createRedisSnapshotStore(inject('redisUrl'), { ...options, prefix });
});
