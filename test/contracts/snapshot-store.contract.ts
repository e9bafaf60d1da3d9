import { describe, expect, it } from 'vitest';
import {
  CommitTooLateError,
  InstanceBusyError,
  RevisionConflictError,
  type InstanceKey,
  type InstanceRecord,
  type SnapshotStore,
  type SnapshotStoreOptions,
} from '../../tools/snapshots/port.ts';

/**
 * Opens a store on one fresh backend per test; every call in the same test opens another store on
 * that same backend (another connection, as another process would).
 */
export type OpenSnapshotStore = () => (
  options?: Partial<SnapshotStoreOptions>,
) => Promise<SnapshotStore>;

const DAY = 24 * 3600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const key: InstanceKey = { machine: 'session', id: 'instance-1' };
const record = (step: string): InstanceRecord => ({
  version: '4',
  snapshot: { value: step, context: { draft: { childFirstName: 'Leo' } } },
  savedAt: '2025-08-01T10:00:00.000Z',
  extra: { recent: [{ from: 'parent', text: step }] },
});

/** The behaviour every SnapshotStore adapter shares. */
export function snapshotStoreContract(name: string, backend: OpenSnapshotStore) {
  describe(`${name} snapshot store`, () => {
    const opened: SnapshotStore[] = [];
    const openStores = () => {
      const open = backend();
      return async (options: Partial<SnapshotStoreOptions> = {}) => {
        const store = await open({ waitMs: 200, lockTtlMs: 5_000, ...options });
        opened.push(store);
        return store;
      };
    };
    const closeAll = async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    };

    it('saves a first revision, then the next one from the revision it loaded', async () => {
      const open = openStores();
      const store = await open();
      try {
        expect(await store.load(key)).toBeNull();
        const first = await store.acquire(key);
        expect(first.stored).toBeNull();
        const saved = await first.commit(record('parentName'), DAY);
        expect(saved).toMatchObject({ machine: 'session', revision: 1, ...record('parentName') });
        expect(await store.load(key)).toEqual(saved);
        const second = await store.acquire(key);
        expect(second.stored?.revision).toBe(1);
        await second.commit(record('childName'), DAY);
        expect(await store.load(key)).toMatchObject({
          revision: 2,
          snapshot: record('childName').snapshot,
        });
      } finally {
        await closeAll();
      }
    });

    it('gives back text in any script as it was saved, revision after revision', async () => {
      const open = openStores();
      const store = await open();
      try {
        const names = {
          childFirstName: 'Zoë',
          childLastName: 'O’Brien-Nguyễn',
          nickname: 'Ace ⚽🙂',
        };
        const withNames = (step: string): InstanceRecord => ({
          ...record(step),
          snapshot: { value: step, context: { draft: names } },
        });
        await (await store.acquire(key)).commit(withNames('childName'), DAY);
        const next = await store.acquire(key);
        expect(next.stored).toMatchObject({ revision: 1, snapshot: { context: { draft: names } } });
        const saved = await next.commit(withNames('childDateOfBirth'), DAY);
        expect(await store.load(key)).toEqual(saved);
        expect(saved).toMatchObject({ revision: 2, snapshot: { context: { draft: names } } });
      } finally {
        await closeAll();
      }
    });

    it('keeps a second turn out while the first holds the lock, and gives up after waitMs', async () => {
      const open = openStores();
      const [one, two] = [await open(), await open({ waitMs: 150 })];
      try {
        const held = await one.acquire(key);
        const started = Date.now();
        await expect(two.acquire(key)).rejects.toBeInstanceOf(InstanceBusyError);
        expect(Date.now() - started).toBeGreaterThanOrEqual(140);
        await held.release();
        const next = await two.acquire(key);
        expect(next.stored).toBeNull();
        await next.release();
      } finally {
        await closeAll();
      }
    });

    it('lets a waiting turn in once the holder commits, with what the holder saved', async () => {
      const open = openStores();
      const [one, two] = [await open(), await open({ waitMs: 3_000 })];
      try {
        const held = await one.acquire(key);
        const waiting = two.acquire(key);
        await sleep(100);
        await held.commit(record('parentName'), DAY);
        const next = await waiting;
        expect(next.stored).toMatchObject({ revision: 1, snapshot: record('parentName').snapshot });
        await next.release();
      } finally {
        await closeAll();
      }
    });

    it('runs turns of different instances and machines side by side', async () => {
      const open = openStores();
      const store = await open({ waitMs: 0 });
      try {
        const held = await Promise.all(
          [key, { ...key, id: 'instance-2' }, { ...key, machine: 'payment' }].map((k) =>
            store.acquire(k),
          ),
        );
        expect(held.map((h) => h.stored)).toEqual([null, null, null]);
        await Promise.all(held.map((h) => h.release()));
      } finally {
        await closeAll();
      }
    });

    it('lets a turn take over an expired lock, then refuses the old holder’s commit', async () => {
      const open = openStores();
      const [one, two] = [await open({ lockTtlMs: 100 }), await open()];
      try {
        await (await one.acquire(key)).commit(record('parentName'), DAY);
        const stale = await one.acquire(key);
        await sleep(150);
        const fresh = await two.acquire(key);
        await expect(stale.commit(record('stale'), DAY)).rejects.toBeInstanceOf(
          RevisionConflictError,
        );
        await fresh.commit(record('fresh'), DAY);
        expect(await two.load(key)).toMatchObject({
          revision: 2,
          snapshot: record('fresh').snapshot,
        });
      } finally {
        await closeAll();
      }
    });

    it('refuses a stale commit after a newer turn saved, and saves nothing', async () => {
      const open = openStores();
      const [one, two] = [await open({ lockTtlMs: 100 }), await open()];
      try {
        const stale = await one.acquire(key);
        await sleep(150);
        await (await two.acquire(key)).commit(record('newer'), DAY);
        const refused = stale.commit(record('stale'), DAY);
        await expect(refused).rejects.toBeInstanceOf(RevisionConflictError);
        await expect(refused).rejects.toMatchObject({ key });
        expect(await two.load(key)).toMatchObject({
          revision: 1,
          snapshot: record('newer').snapshot,
        });
      } finally {
        await closeAll();
      }
    });

    it('refuses a commit after the lock expired even when nobody took it over', async () => {
      const open = openStores();
      const store = await open({ lockTtlMs: 100 });
      try {
        const held = await store.acquire(key);
        await sleep(150);
        await expect(held.commit(record('late'), DAY)).rejects.toBeInstanceOf(
          RevisionConflictError,
        );
        expect(await store.load(key)).toBeNull();
      } finally {
        await closeAll();
      }
    });

    it('releases only its own lock, and release after commit is harmless', async () => {
      const open = openStores();
      const [one, two, three] = [
        await open({ lockTtlMs: 100 }),
        await open(),
        await open({ waitMs: 50 }),
      ];
      try {
        const first = await one.acquire(key);
        await first.commit(record('parentName'), DAY);
        await first.release();
        const stale = await one.acquire(key);
        await sleep(150);
        const fresh = await two.acquire(key);
        await stale.release();
        await expect(three.acquire(key)).rejects.toBeInstanceOf(InstanceBusyError);
        await fresh.release();
        await (await three.acquire(key)).release();
      } finally {
        await closeAll();
      }
    });

    it('reads an instance past its ttl as absent, and starts it again from nothing', async () => {
      const open = openStores();
      const store = await open();
      try {
        await (await store.acquire(key)).commit(record('parentName'), 300);
        expect(await store.load(key)).not.toBeNull();
        await sleep(400);
        expect(await store.load(key)).toBeNull();
        const again = await store.acquire(key);
        expect(again.stored).toBeNull();
        await again.commit(record('again'), DAY);
        expect(await store.load(key)).toMatchObject({
          revision: 1,
          snapshot: record('again').snapshot,
        });
      } finally {
        await closeAll();
      }
    });

    it('deletes an instance', async () => {
      const open = openStores();
      const store = await open();
      try {
        await (await store.acquire(key)).commit(record('parentName'), DAY);
        await store.delete(key);
        expect(await store.load(key)).toBeNull();
        const held = await store.acquire(key);
        expect(held.stored).toBeNull();
        await held.release();
      } finally {
        await closeAll();
      }
    });

    it('answers a turn that knows the stored save with that very save, and only then', async () => {
      const open = openStores();
      const [one, two] = [await open(), await open()];
      try {
        const saved = await (await one.acquire(key)).commit(record('parentName'), DAY);
        const again = await one.acquire(key, { known: saved });
        expect(again.stored).toEqual(saved);
        // A store that tags its saves does not send the instance again: the caller has it.
        if (saved.etag !== undefined) expect(again.stored).toBe(saved);
        const resaved = await again.commit(record('childName'), DAY);
        expect(resaved.revision).toBe(2);

        // Another process saved since: the known save is stale and the stored one comes back.
        await (await two.acquire(key)).commit(record('elsewhere'), DAY);
        const moved = await one.acquire(key, { known: resaved });
        expect(moved.stored).not.toBe(resaved);
        expect(moved.stored).toMatchObject({ revision: 3, snapshot: record('elsewhere').snapshot });
        await moved.release();
      } finally {
        await closeAll();
      }
    });

    it('never takes a save made before a delete for one made after it at the same revision', async () => {
      const open = openStores();
      const [one, two] = [await open(), await open()];
      try {
        const before = await (await one.acquire(key)).commit(record('erased'), DAY);
        await two.delete(key);
        await (await two.acquire(key)).commit(record('new chat'), DAY);
        const held = await one.acquire(key, { known: before });
        expect(held.stored).not.toBe(before);
        expect(held.stored).toMatchObject({ revision: 1, snapshot: record('new chat').snapshot });
        await held.release();
      } finally {
        await closeAll();
      }
    });

    it('loads without the lock while a turn holds it', async () => {
      const open = openStores();
      const [one, two] = [await open(), await open({ waitMs: 0 })];
      try {
        await (await one.acquire(key)).commit(record('parentName'), DAY);
        const held = await one.acquire(key);
        expect(await two.load(key)).toMatchObject({
          revision: 1,
          snapshot: record('parentName').snapshot,
        });
        await held.release();
      } finally {
        await closeAll();
      }
    });

    /** A save that appends `add` to the journal, bounded at `keepBytes` bytes of entries' JSON. */
    const journaled = (add: unknown[], keepBytes = 1_000) => ({ journal: { add, keepBytes } });

    it('keeps a journal beside the instance: what applied saves appended, oldest first', async () => {
      const open = openStores();
      const [one, two] = [await open({ lockTtlMs: 100 }), await open()];
      try {
        expect(await one.journal(key)).toEqual([]);
        const first = await one.acquire(key);
        await first.commit(record('parentName'), DAY, journaled([{ n: 1 }, { n: 2, text: 'é' }]));
        // A save with nothing to add keeps the journal as it is.
        await (await one.acquire(key)).commit(record('childName'), DAY);
        await (await two.acquire(key)).commit(record('childAge'), DAY, journaled(['three']));
        expect(await one.journal(key)).toEqual([{ n: 1 }, { n: 2, text: 'é' }, 'three']);

        // A refused save (stale, too late) adds nothing.
        const stale = await one.acquire(key);
        await sleep(150);
        await (await two.acquire(key)).commit(record('newer'), DAY, journaled(['four']));
        await expect(
          stale.commit(record('stale'), DAY, journaled(['stale'])),
        ).rejects.toBeInstanceOf(RevisionConflictError);
        const late = await two.acquire(key);
        await expect(
          late.commit(record('late'), DAY, { notAfter: Date.now() - 1, ...journaled(['late']) }),
        ).rejects.toBeInstanceOf(CommitTooLateError);
        await late.release();
        expect(await two.journal(key)).toEqual([{ n: 1 }, { n: 2, text: 'é' }, 'three', 'four']);
        // Another instance has its own.
        expect(await two.journal({ ...key, id: 'instance-2' })).toEqual([]);
        // The last few, oldest first.
        expect(await two.journal(key, { last: 2 })).toEqual(['three', 'four']);
        expect(await two.journal(key, { last: 9 })).toHaveLength(4);
        expect(await two.journal(key, { last: 0 })).toEqual([]);
      } finally {
        await closeAll();
      }
    });

    it('drops the oldest journal entries past the byte bound, counting bytes of UTF-8', async () => {
      const open = openStores();
      const store = await open();
      try {
        // Each entry is 10 bytes of JSON: "a…" is 10 characters, "é…" 6 (each é is 2 bytes).
        const [a, b, c] = ['aaaaaaaa', 'éééé', 'cccccccc'];
        await (await store.acquire(key)).commit(record('one'), DAY, journaled([a, b], 25));
        expect(await store.journal(key)).toEqual([a, b]);
        await (await store.acquire(key)).commit(record('two'), DAY, journaled([c], 25));
        expect(await store.journal(key)).toEqual([b, c]);
        // At the bound exactly, nothing more is dropped.
        await (await store.acquire(key)).commit(record('three'), DAY, journaled([a], 30));
        expect(await store.journal(key)).toEqual([b, c, a]);
        // An entry larger than the whole bound is not kept, nor anything before it.
        await (
          await store.acquire(key)
        ).commit(record('four'), DAY, journaled(['x'.repeat(40)], 30));
        expect(await store.journal(key)).toEqual([]);
        await (await store.acquire(key)).commit(record('five'), DAY, journaled([c], 30));
        expect(await store.journal(key)).toEqual([c]);
      } finally {
        await closeAll();
      }
    });

    it('keeps a journal as long as its instance: deleted and expired with it, new with a new one', async () => {
      const open = openStores();
      const store = await open();
      try {
        await (await store.acquire(key)).commit(record('one'), DAY, journaled(['first chat']));
        await store.delete(key);
        expect(await store.journal(key)).toEqual([]);

        await (await store.acquire(key)).commit(record('one'), 300, journaled(['second chat']));
        // A save that adds nothing still keeps the journal as long as the instance.
        await (await store.acquire(key)).commit(record('two'), 1_000);
        await sleep(400);
        expect(await store.journal(key)).toEqual(['second chat']);
        await sleep(700);
        expect(await store.load(key)).toBeNull();
        expect(await store.journal(key)).toEqual([]);
        await (await store.acquire(key)).commit(record('one'), DAY, journaled(['third chat']));
        expect(await store.journal(key)).toEqual(['third chat']);
      } finally {
        await closeAll();
      }
    });
  });
}
