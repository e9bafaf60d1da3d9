import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * XState's assign builds each new context with `Object.assign({}, context, update)`. When the
 * update adds properties to a context that already has many (the session's starts with 18 and
 * its assigns add up to 4), V8 turns the new object into a hash table past 19, and every later
 * context, copied from that one, stays one: slower for every read of it after. The statechart's
 * own work took 29 µs per turn rather than 22 (the events of recorded registrations replayed on the session machine).
 * patches/xstate+*.patch, applied by `npm install` (postinstall: patch-package), builds it with
 * a spread instead, which V8 copies in fast form.
 */
const SCRIPT = `
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
`;

describe("XState's assign (patched)", () => {
  it('keeps a context that assigns grow past 19 properties in V8’s fast form, updates applied', () => {
    const out = execFileSync(
      process.execPath,
      ['--allow-natives-syntax', '--input-type=module', '--eval', SCRIPT],
      { cwd: process.cwd(), encoding: 'utf8', timeout: 20_000 },
    );
    const result = JSON.parse(out) as { fast: boolean; field0: number; keys: number };
    expect(result).toMatchObject({ field0: 2, keys: 22 });
    expect(
      result.fast,
      'a large context became a hash table: is patches/xstate+*.patch applied (npm ci runs patch-package)?',
    ).toBe(true);
  });
});
