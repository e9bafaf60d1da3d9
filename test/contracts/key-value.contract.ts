import { describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../../tools/kv/port.ts';

/**
 * Opens a store on one fresh backend per test; every call in the same test opens another store on
 * that same backend (another connection, as another process would), under `namespace`.
 */
export type OpenKeyValueStore = () => (namespace: string) => Promise<KeyValueStore>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The behaviour every KeyValueStore adapter shares. */
export function keyValueContract(name: string, backend: OpenKeyValueStore) {
  describe(`${name} key-value store`, () => {
    const opened: KeyValueStore[] = [];
    const openStores = () => {
      const open = backend();
      return async (namespace = 'ledger') => {
        const store = await open(namespace);
        opened.push(store);
        return store;
      };
    };
    const closeAll = async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    };

    it.each([
      ['an object', { status: 'done', result: { billingRequestId: 'BRQ1' }, at: [1, 2] }],
      ['a string', 'processing'],
      ['a number', 42],
      ['false', false],
      ['null', null],
    ])('stores and reads back %s', async (_, value) => {
      const store = await openStores()();
      try {
        expect(await store.get('key')).toBeUndefined();
        await store.set('key', value);
        expect(await store.get('key')).toEqual(value);
      } finally {
        await closeAll();
      }
    });

    it('replaces a value, deletes it, and keeps namespaces apart', async () => {
      const open = openStores();
      const [ledger, uploads] = [await open('ledger'), await open('uploads')];
      try {
        await ledger.set('key', 'first');
        await ledger.set('key', 'second');
        await uploads.set('key', 'other');
        expect(await ledger.get('key')).toBe('second');
        await ledger.delete('key');
        expect(await ledger.get('key')).toBeUndefined();
        expect(await uploads.get('key')).toBe('other');
      } finally {
        await closeAll();
      }
    });

    it('applies calls made without waiting for each other in the order they were made', async () => {
      const store = await openStores()();
      try {
        const calls = Array.from({ length: 20 }, (_, i) =>
          i % 5 === 4 ? store.delete('key') : store.set('key', i),
        );
        const claimed = store.setIfAbsent('key', 'late');
        await Promise.all([...calls, claimed]);
        expect(await store.get('key')).toBe('late');
        const [, kept] = await Promise.all([
          store.set('key', 'first'),
          store.setIfAbsent('key', 'x'),
        ]);
        expect(kept).toEqual({ stored: false, value: 'first' });
      } finally {
        await closeAll();
      }
    });

    it('reads an entry past its ttl as absent, and keeps one without ttl', async () => {
      const store = await openStores()();
      try {
        await store.set('short', 'gone soon', 300);
        await store.set('kept', 'here');
        expect(await store.get('short')).toBe('gone soon');
        await sleep(400);
        expect(await store.get('short')).toBeUndefined();
        expect(await store.get('kept')).toBe('here');
      } finally {
        await closeAll();
      }
    });

    it('stores only the first of setIfAbsent, and gives the later callers what is stored', async () => {
      const open = openStores();
      const [one, two] = [await open(), await open()];
      try {
        expect(await one.setIfAbsent('key', { by: 'one' })).toEqual({
          stored: true,
          value: { by: 'one' },
        });
        expect(await two.setIfAbsent('key', { by: 'two' })).toEqual({
          stored: false,
          value: { by: 'one' },
        });
        expect(await two.get('key')).toEqual({ by: 'one' });
      } finally {
        await closeAll();
      }
    });

    it('lets exactly one of twenty simultaneous setIfAbsent calls store', async () => {
      const open = openStores();
      const stores = await Promise.all([open(), open()]);
      try {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => stores[i % 2]!.setIfAbsent('key', i)),
        );
        const winners = results.filter((result) => result.stored);
        expect(winners).toHaveLength(1);
        expect(new Set(results.map((result) => result.value))).toEqual(
          new Set([winners[0]!.value]),
        );
      } finally {
        await closeAll();
      }
    });

    it('stores again with setIfAbsent once the earlier entry expired', async () => {
      const store = await openStores()();
      try {
        expect((await store.setIfAbsent('key', 'first', 300)).stored).toBe(true);
        expect((await store.setIfAbsent('key', 'second', 300)).stored).toBe(false);
        await sleep(400);
        expect(await store.setIfAbsent('key', 'third')).toEqual({ stored: true, value: 'third' });
        expect(await store.get('key')).toBe('third');
      } finally {
        await closeAll();
      }
    });
  });
}
