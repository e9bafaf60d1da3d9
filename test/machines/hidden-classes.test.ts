import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * Hidden classes on a turn's path. Node 20's V8 gives an object that starts as a spread and then
 * gains keys (`{ ...a, b: 1 }`, `{ ...a, ...b }` with new keys) a hidden class of its own every
 * time: every later read of it misses V8's inline caches and goes to the runtime. Under the
 * bench's load that was about 16 such misses per turn; the fixes below leave about 2.
 *
 * XState's assign built each new context with `Object.assign({}, context, update)`: the session's
 * context starts with 18 properties and its assigns add up to 4, and past 19 V8 made it a hash
 * table, for good (every later context is copied from it). Its getPersistedSnapshot spread the
 * snapshot and then added the context and children. patches/xstate+*.patch, applied by `npm
 * install` (postinstall: patch-package), builds the one with a spread and the other literal first.
 * Each check runs in a child process with V8's natives syntax.
 */
function inV8(script: string): unknown {
  const out = execFileSync(
    process.execPath,
    ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '--eval', script],
    { cwd: process.cwd(), encoding: 'utf8', timeout: 30_000 },
  );
  return JSON.parse(out);
}

describe('hidden classes on the turn’s path', () => {
  it('XState’s assign keeps a context that grows past 19 properties fast, updates applied', () => {
    const result = inV8(`
      import { assign, createActor, setup } from 'xstate';
      const context = Object.fromEntries(Array.from({ length: 18 }, (_, index) => ['field' + index, index]));
      const machine = setup({
        actions: {
          grow: assign(({ context }) => ({ field0: context.field0 + 1, added1: 1, added2: 2, added3: 3, added4: 4 })),
          bump: assign(({ context }) => ({ field0: context.field0 + 1 })),
        },
      }).createMachine({ context, on: { grow: { actions: 'grow' }, bump: { actions: 'bump' } } });
      const actor = createActor(machine).start();
      actor.send({ type: 'grow' });
      actor.send({ type: 'bump' });
      const after = actor.getSnapshot().context;
      console.log(JSON.stringify({ fast: %HasFastProperties(after), field0: after.field0, keys: Object.keys(after).length }));
    `);
    expect(result, 'is patches/xstate+*.patch applied (npm ci runs patch-package)?').toEqual({
      fast: true,
      field0: 2,
      keys: 22,
    });
  });

  it('XState’s persisted snapshots of one machine share a hidden class', () => {
    const result = inV8(`
      import { assign, createActor, setup } from 'xstate';
      const machine = setup({ actions: { bump: assign(({ context }) => ({ count: context.count + 1 })) } })
        .createMachine({ context: { count: 0 }, on: { bump: { actions: 'bump' } } });
      const actor = createActor(machine).start();
      const persisted = [];
      for (let turn = 0; turn < 20; turn += 1) {
        actor.send({ type: 'bump' });
        persisted.push(actor.getPersistedSnapshot());
      }
      console.log(JSON.stringify({
        shared: persisted.every((snapshot) => %HaveSameMap(snapshot, persisted[0])),
        counts: persisted.map((snapshot) => snapshot.context.count).slice(-2),
      }));
    `);
    expect(result, 'is patches/xstate+*.patch applied (npm ci runs patch-package)?').toEqual({
      shared: true,
      counts: [19, 20],
    });
  });

  it('the stored instances saves leave share a hidden class, with and without a tag', () => {
    const result = inV8(`
      const { savedInstance } = await import('./tools/snapshots/port.ts');
      const record = (turn) => ({ version: '1', snapshot: { turn }, savedAt: new Date(turn).toISOString(), extra: {} });
      const tagged = Array.from({ length: 20 }, (_, turn) => savedInstance(record(turn), 'session', turn + 1, 'tag-' + turn));
      const untagged = Array.from({ length: 20 }, (_, turn) => savedInstance(record(turn), 'session', turn + 1));
      console.log(JSON.stringify({
        tagged: tagged.every((saved) => %HaveSameMap(saved, tagged[0])),
        untagged: untagged.every((saved) => %HaveSameMap(saved, untagged[0])),
        last: tagged[19],
      }));
    `);
    expect(result).toEqual({
      tagged: true,
      untagged: true,
      last: {
        machine: 'session',
        version: '1',
        revision: 20,
        etag: 'tag-19',
        snapshot: { turn: 19 },
        savedAt: new Date(19).toISOString(),
        extra: {},
      },
    });
  });
});
