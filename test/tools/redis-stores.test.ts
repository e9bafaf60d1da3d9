import { afterAll, describe, expect, inject, it } from 'vitest';
import { createRedisKeyValueStore } from '../../tools/kv/redis.ts';
import { connectRedisClient } from '../../tools/redis/connection.ts';
import { createRedisSnapshotStore } from '../../tools/snapshots/redis.ts';
import { uniquePrefix } from './temp-database.ts';

describe('values in Redis that fail validation on read', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
  });

  it.each([
    ['not JSON', '{broken'],
    ['a snapshot with no revision', JSON.stringify({ machine: 'session', version: '1' })],
  ])('throw a clear error for %s, and leave the instance unlocked', async (_, stored) => {
    const prefix = uniquePrefix('unreadable');
    const raw = await connectRedisClient(inject('redisUrl'));
    const store = await createRedisSnapshotStore(inject('redisUrl'), { prefix, waitMs: 0 });
    closers.push(raw.close, store.close);
    await raw.client.set(`${prefix}instance:session:s1`, stored);
    const key = { machine: 'session', id: 's1' };
    await expect(store.load(key)).rejects.toThrow(/unreadable/);
    await expect(store.acquire(key)).rejects.toThrow(/unreadable/);
    await expect(store.acquire(key)).rejects.toThrow(/unreadable/);
  });

  it('throws a clear error for a key-value entry that is not JSON', async () => {
    const namespace = uniquePrefix('kv-unreadable');
    const raw = await connectRedisClient(inject('redisUrl'));
    const kv = await createRedisKeyValueStore(inject('redisUrl'), namespace);
    closers.push(raw.close, kv.close);
    await raw.client.set(`${namespace}:key`, 'not json');
    await expect(kv.get('key')).rejects.toThrow(/unreadable/);
    await expect(kv.setIfAbsent('key', 1)).rejects.toThrow(/unreadable/);
  });
});
