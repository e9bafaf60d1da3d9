import { afterAll, describe, expect, inject, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createRunner, type PersistedMachine } from '../../machines/runner.ts';
import type { SnapshotStore } from '../../tools/snapshots/port.ts';
import { createRedisSnapshotStore } from '../../tools/snapshots/redis.ts';
import { createHarness } from '../support/harness.ts';
import { REGISTRATION } from '../support/registration-script.ts';
import { uniquePrefix } from '../tools/temp-database.ts';

const counter = setup({
  types: { context: {} as { n: number }, events: {} as { type: 'inc' } },
}).createMachine({
  id: 'counter',
  context: { n: 0 },
  on: { inc: { actions: assign({ n: ({ context }) => context.n + 1 }) } },
});

const definition: PersistedMachine<typeof counter, object> = {
  id: 'counter',
  version: '1',
  machine: counter,
  snapshot: z.looseObject({ status: z.literal('active'), context: z.object({ n: z.number() }) }),
  migrations: {},
  input: () => ({}),
  effectDue: () => null,
  runEffect: () => Promise.reject(new Error('no effects')),
  failed: () => ({ type: 'inc' }),
  isAtRest: () => true,
  ttlMs: 60_000,
};

/** A store that notes, for every turn, whether it answered with the save the turn knew. */
function watched(store: SnapshotStore) {
  const resumed: boolean[] = [];
  const spy: SnapshotStore = {
    ...store,
    async acquire(key, options) {
      const held = await store.acquire(key, options);
      resumed.push(options?.known !== undefined && held.stored === options.known);
      return held;
    },
  };
  return { store: spy, resumed };
}

describe('Kept actors: the next turn in the same process goes on from the actor it saved', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
  });
  const redisStore = async (prefix = uniquePrefix('kept')) => {
    const store = await createRedisSnapshotStore(inject('redisUrl'), { prefix });
    closers.push(store.close);
    return { store, prefix };
  };
  const count = (runner: ReturnType<typeof createRunner>, id: string, work = 'inc') =>
    runner.turn(
      definition,
      id,
      async (actor) => {
        if (work !== 'read') actor.send({ type: 'inc' });
        if (work === 'fail') throw new Error('the turn failed after its event');
        return (snapshot) => ({ result: snapshot.context.n, save: work !== 'unsaved' });
      },
      { ports: {} },
    );

  it('replies to a whole registration exactly as when every turn is restored from Redis', async () => {
    const replies = async (keepActors: number) => {
      const { store, resumed } = watched((await redisStore()).store);
      const harness = await createHarness({ snapshots: store, keepActors });
      const said: (string | number | null)[] = [];
      for (const [message] of REGISTRATION) {
        const turn = await harness.say(message);
        said.push(turn.reply, turn.routineNumber);
      }
      return { said, resumed: resumed.filter(Boolean).length, turns: resumed.length };
    };
    const kept = await replies(200);
    const restored = await replies(0);
    expect(kept.said).toEqual(restored.said);
    expect(restored.resumed).toBe(0);
    // Every turn after the first one that saved goes on from the kept actor.
    expect(kept.resumed).toBe(kept.turns - 1);
  });

  it.each(['fail', 'unsaved'])(
    'keeps nothing from a turn that was not saved (%s): the next one starts from the stored save',
    async (work) => {
      const { store, resumed } = watched((await redisStore()).store);
      const runner = createRunner({ store, log: () => {} });
      expect(await count(runner, 'c1')).toBe(1);
      await count(runner, 'c1', work).catch(() => 'failed');
      expect(await count(runner, 'c1', 'read')).toBe(1);
      expect(resumed).toEqual([false, true, false]);
    },
  );

  it('goes on from what another process saved since, not from its own kept actor', async () => {
    const { store, prefix } = await redisStore();
    const here = watched(store);
    const elsewhere = (await redisStore(prefix)).store;
    const runner = createRunner({ store: here.store, log: () => {} });
    const other = createRunner({ store: elsewhere, log: () => {} });
    expect(await count(runner, 'c1')).toBe(1);
    expect(await count(other, 'c1')).toBe(2);
    expect(await count(runner, 'c1')).toBe(3);
    expect(here.resumed).toEqual([false, false]);
  });

  it('never resumes a chat erased and started again since, even at the same revision', async () => {
    const { store, prefix } = await redisStore();
    const here = watched(store);
    const elsewhere = (await redisStore(prefix)).store;
    const runner = createRunner({ store: here.store, log: () => {} });
    const other = createRunner({ store: elsewhere, log: () => {} });
    await count(runner, 'c1');
    await count(runner, 'c1');
    await elsewhere.delete({ machine: 'counter', id: 'c1' });
    await count(other, 'c1', 'read');
    await count(other, 'c1', 'read');
    // Revision 2 again, saved after the erasure: n is 0, not the 2 this process kept.
    expect(await count(runner, 'c1', 'read')).toBe(0);
  });

  it('keeps at most keepActors instances, the most recently saved', async () => {
    const { store, resumed } = watched((await redisStore()).store);
    const runner = createRunner({ store, log: () => {}, keepActors: 1 });
    await count(runner, 'c1');
    await count(runner, 'c2');
    await count(runner, 'c1');
    await count(runner, 'c1');
    expect(resumed).toEqual([false, false, false, true]);
  });

  it('keeps no actor whose turn said it is done with, and loads it again for a next turn', async () => {
    const { store, resumed } = watched((await redisStore()).store);
    const runner = createRunner({ store, log: () => {} });
    const turn = (keep: boolean) =>
      runner.turn(
        definition,
        'c1',
        async (actor) => {
          actor.send({ type: 'inc' });
          return (snapshot) => ({ result: snapshot.context.n, keep });
        },
        { ports: {} },
      );
    expect([await turn(true), await turn(false), await turn(true), await turn(true)]).toEqual([
      1, 2, 3, 4,
    ]);
    expect(resumed).toEqual([false, true, false, true]);
  });

  it('keeps no actor of a finished registration: its next message loads it', async () => {
    const { store, resumed } = watched((await redisStore()).store);
    const harness = await createHarness({ snapshots: store });
    for (const [message] of REGISTRATION) await harness.say(message);
    const uploadId = await harness.ports.photos.stage(
      new Uint8Array([0xff, 0xd8, 0xff, 0xe0]),
      'image/jpeg',
    );
    const done = await harness.chat.uploadedPhoto({ sessionId: harness.sessionId, uploadId });
    expect(done.routineNumber).toBe(35);
    const before = resumed.length;
    const after = await harness.say('thanks!');
    expect(after.routineNumber).toBe(35);
    expect(resumed.slice(before)).toEqual([false]);
  });
});
