import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectRedisClient } from '../../tools/redis/connection.ts';
import { RevisionConflictError } from '../../tools/snapshots/port.ts';
import { createRedisSnapshotStore } from '../../tools/snapshots/redis.ts';
import { uniquePrefix } from './temp-database.ts';

const key = { machine: 'session', id: 's1' };
const record = { version: '4', snapshot: { value: 'x' }, savedAt: '2025-08-01T10:00:00.000Z' };
const stored = { machine: 'session', ...record, extra: {} };

describe('Redis snapshot store: the revision in the stored text', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
  });

  const open = async () => {
    const prefix = uniquePrefix('layout');
    const raw = await connectRedisClient(inject('redisUrl'));
    const store = await createRedisSnapshotStore(inject('redisUrl'), { prefix, waitMs: 0 });
    closers.push(raw.close, store.close);
    return { raw: raw.client, store, dataKey: `${prefix}instance:session:s1` };
  };

  it('saves the revision first, where the save script reads it without decoding the text', async () => {
    const { raw, store, dataKey } = await open();
    await (await store.acquire(key)).commit({ ...record, extra: {} }, 60_000);
    await (await store.acquire(key)).commit({ ...record, extra: {} }, 60_000);
    expect(await raw.get(dataKey)).toMatch(/^\{"revision":2,/);
  });

  it.each([
    ['first', JSON.stringify({ revision: 7, ...stored })],
    ['last (the earlier layout)', JSON.stringify({ ...stored, revision: 7 })],
    [
      'after a "revision" inside the snapshot',
      JSON.stringify({ ...stored, snapshot: { revision: 1 }, revision: 7 }),
    ],
  ])('saves over an instance whose revision comes %s', async (_, text) => {
    const { raw, store, dataKey } = await open();
    await raw.set(dataKey, text);
    const held = await store.acquire(key);
    expect(held.stored?.revision).toBe(7);
    await held.commit({ ...record, extra: {} }, 60_000);
    expect(await store.load(key)).toMatchObject({ revision: 8 });
  });

  it.each([
    ['first', (revision: number) => JSON.stringify({ revision, ...stored })],
    ['last', (revision: number) => JSON.stringify({ ...stored, revision })],
  ])('refuses a save when the revision (stored %s) moved after the load', async (_, layout) => {
    const { raw, store, dataKey } = await open();
    await raw.set(dataKey, layout(7));
    const held = await store.acquire(key);
    await raw.set(dataKey, layout(8));
    await expect(held.commit({ ...record, extra: {} }, 60_000)).rejects.toBeInstanceOf(
      RevisionConflictError,
    );
    await held.release();
    expect(await store.load(key)).toMatchObject({ revision: 8 });
  });

  it('appends the journal to a list beside the instance, with its byte count, both kept as long', async () => {
    const { raw, store, dataKey } = await open();
    const journalKey = dataKey.replace('instance:', 'journal:');
    const bytesKey = dataKey.replace('instance:', 'journal-bytes:');
    const journal = (add: unknown[]) => ({ journal: { add, keepBytes: 1_000 } });
    await (await store.acquire(key)).commit({ ...record, extra: {} }, 60_000, journal(['a', 'b']));
    await (await store.acquire(key)).commit({ ...record, extra: {} }, 90_000, journal(['ç']));
    expect(await raw.lRange(journalKey, 0, -1)).toEqual(['"a"', '"b"', '"ç"']);
    expect(await raw.get(bytesKey)).toBe('10');
    // A save with nothing to add still keeps them as long as the instance.
    await (await store.acquire(key)).commit({ ...record, extra: {} }, 120_000);
    for (const each of [dataKey, journalKey, bytesKey]) {
      expect(await raw.pTTL(each)).toBeGreaterThan(110_000);
    }
  });
});
