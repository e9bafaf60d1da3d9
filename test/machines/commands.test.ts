import { describe, expect, it } from 'vitest';
import type { SnapshotStore } from '../../tools/snapshots/port.ts';
import { createSqliteSnapshotStore } from '../../tools/snapshots/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import { createHarness, type Harness } from '../support/harness.ts';
import { CODE, journey } from './journeys.ts';

const DAY = 24 * 3600_000;
const SCRIPT = journey().map(([text]) => text);

/** Sends the journey's messages until the reply shows `routine`. */
async function reach(harness: Harness, routine: number) {
  for (const [index, [, leadsTo]] of journey().entries()) {
    const turn = await harness.say(SCRIPT[index] ?? '');
    if (leadsTo === routine) return turn;
  }
  throw new Error(`routine ${routine} is not on the journey`);
}

describe('commands, at any question', () => {
  it.each([
    ['the parent name', 1],
    ['medical issues', 5],
    ['the payment day', 29],
  ])(
    '"help" at %s lists what can be said and asks the same question again',
    async (_at, routine) => {
      const harness = await createHarness();
      const before = await reach(harness, routine);
      const turn = await harness.say('help');
      expect(turn.reply).toMatch(/"later" to pause/);
      expect(turn.reply).toContain(before.reply.split('\n').at(-1));
      expect(turn.routineNumber).toBe(routine);
    },
  );

  it.each([
    ['the child name', 2],
    ['the e-mail', 9],
    ['the summary', 28],
  ])('"stop" at %s drops the answers, saves nothing and waits for a code', async (_at, routine) => {
    const harness = await createHarness();
    await reach(harness, routine);
    const turn = await harness.say('stop');
    expect(turn.reply).toMatch(/stopped .*registration: nothing has been saved or charged/);
    expect(turn.routineNumber).toBeNull();
    expect(turn.state).toBe('generic');
    expect(await harness.ports.registrations.list()).toEqual([]);
    const again = await harness.say(CODE);
    expect(again.routineNumber).toBe(1);
  });

  it.each([
    ['the child gender', 4],
    ['the relationship', 7],
    ['the summary', 28],
  ])('"start again" at %s asks every question again from the first', async (_at, routine) => {
    const harness = await createHarness();
    await reach(harness, routine);
    const turn = await harness.say('can I start again?');
    expect(turn.reply).toMatch(/start again from the beginning/);
    expect(turn.routineNumber).toBe(1);
    const snapshot = await harness.chat.peek(harness.sessionId);
    expect(snapshot?.state).toBe('newRegistration.parentName');
    await harness.say('Sarah Jones');
    expect((await harness.say('Mia Jones')).routineNumber).toBe(3);
  });

  it.each([
    ['the child name', 2, 'Leo Jones', 3],
    ['the e-mail', 9, 'sarah@example.com', 10],
    ['the kit size', 32, 'M', 33],
  ])(
    '"later" at %s keeps the answers, and the next message here carries on',
    async (_at, routine, answer, next) => {
      const harness = await createHarness();
      await reach(harness, routine);
      const paused = await harness.say("I'll do it later");
      expect(paused.reply).toMatch(/kept your answers for 14 days/);
      expect(paused.routineNumber).toBe(routine);
      const hello = await harness.say('hi again');
      expect(hello.reply).toMatch(/Welcome back/);
      expect(hello.routineNumber).toBe(routine);
      expect((await harness.say(answer)).routineNumber).toBe(next);
    },
  );

  it('refuses "stop" and "start again" once the registration is saved', async () => {
    const harness = await createHarness();
    await reach(harness, 32);
    const stop = await harness.say('cancel');
    expect(stop.reply).toMatch(/already saved, so I can't cancel it here/);
    expect(stop.routineNumber).toBe(32);
    const restart = await harness.say('start again');
    expect(restart.reply).toMatch(/already saved, so I can't start it again/);
  });

  it('answers a command with nothing in progress with how to start', async () => {
    const harness = await createHarness();
    expect((await harness.say('stop')).reply).toMatch(/no registration in progress/);
    expect((await harness.say('help')).reply).toMatch(/registration code/);
  });
});

describe('pause and resume from a new chat', () => {
  it('picks the registration up with the code and the parent mobile, and finishes it', async () => {
    const first = await createHarness();
    await reach(first, 9);
    const paused = await first.say('gotta go, will finish later');
    expect(paused.reply).toMatch(/send your code with your mobile number/);

    const second = await createHarness({ shareWith: first });
    const resumed = await second.say('200 lions u10 2526 - 07700900123');
    expect(resumed.reply).toMatch(/Welcome back/);
    expect(resumed.routineNumber).toBe(9);
    expect(resumed.sessionId).toBe(second.sessionId);
    for (const text of SCRIPT.slice(9)) await second.say(text);
    const [record] = await second.ports.registrations.list();
    expect(record?.fields).toMatchObject({
      player_first_name: 'Leo',
      parent_email: 'sarah@example.com',
    });
  });

  it("picks it up with the child's date of birth, and not with a wrong secret", async () => {
    const first = await createHarness();
    await reach(first, 5);
    await first.say('pause');

    const stranger = await createHarness({ shareWith: first });
    const wrong = await stranger.say(`${CODE} 04/02/2016`);
    expect(wrong.reply).not.toMatch(/Welcome back/);
    expect(wrong.routineNumber).toBe(1);

    const parent = await createHarness({ shareWith: first });
    const resumed = await parent.say(`${CODE} 03/02/2016`);
    expect(resumed.reply).toMatch(/Welcome back/);
    expect(resumed.routineNumber).toBe(5);
  });

  it("keeps a paused registration for the club's retention setting", async () => {
    const ttls: number[] = [];
    const store = createSqliteSnapshotStore(openDatabase(':memory:'));
    const snapshots: SnapshotStore = {
      ...store,
      acquire: async (key) => {
        const held = await store.acquire(key);
        return {
          stored: held.stored,
          release: () => held.release(),
          commit: (record, ttlMs, options) => {
            ttls.push(ttlMs);
            return held.commit(record, ttlMs, options);
          },
        };
      },
    };
    const harness = await createHarness({ snapshots, pausedTtlMs: 90 * DAY });
    await reach(harness, 9);
    const paused = await harness.say('later');
    expect(paused.reply).toMatch(/for 90 days/);
    expect(ttls.at(-1)).toBe(90 * DAY);
    await harness.say('back now');
    expect(ttls.at(-1)).toBeLessThan(90 * DAY);
  });
});
