import { inject } from 'vitest';
import { createMemoryKeyValueStore } from '../../tools/kv/memory.ts';
import { createRedisKeyValueStore } from '../../tools/kv/redis.ts';
import { createSqliteKeyValueStore } from '../../tools/kv/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import { keyValueContract } from '../contracts/key-value.contract.ts';
import { tempDatabasePath, uniquePrefix } from './temp-database.ts';

keyValueContract('SQLite', () => {
  const path = tempDatabasePath('kv');
  return async (namespace) => {
    const db = openDatabase(path);
    const store = createSqliteKeyValueStore(db, namespace);
    return {
      ...store,
      close: async () => {
        db.close();
      },
    };
  };
});

keyValueContract('Redis', () => {
  const prefix = uniquePrefix('kv');
  return (namespace) => createRedisKeyValueStore(inject('redisUrl'), `${prefix}${namespace}`);
});

keyValueContract('memory', () => {
  const stores = new Map<string, ReturnType<typeof createMemoryKeyValueStore>>();
  return async (namespace) => {
    const store = stores.get(namespace) ?? createMemoryKeyValueStore();
    stores.set(namespace, store);
    return store;
  };
});
