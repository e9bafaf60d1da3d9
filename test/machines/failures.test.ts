import { describe, expect, it } from 'vitest';
import type { TurnResult } from '../../machines/chat-service.ts';
import { MAX_EFFECT_FAILURES } from '../../machines/setup.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';
import { createHarness, type Harness } from '../support/harness.ts';
import { aParent, breakMethod, handOffFlag, type Parent } from './journeys.ts';

const HANDED_OFF = /a volunteer will finish Leo's registration with you/;
const RETRY_LATER = /Nothing you've told me is lost: send me any message/;

const effectLogs = (harness: Harness) =>
  harness.logs.filter((entry) => entry.event.startsWith('effect.')).length;

/** A long street, town and city: each fits its own field, the full address is over 200 characters. */
const TOO_LONG = [
  `12 ${'Long Meadow Lane Behind The Old Cricket Ground '.repeat(2).trim()}`,
  'Upper Flixton Village Near The Urmston Park Lakes',
  'Greater Manchester Metropolitan Borough Of West',
  'M44 6AA',
].join(', ');

/** A failure and the message that runs into it, from `reach` (a routine of the journey). */
type Failure = {
  effect: string;
  reach: number;
  /** Breaks what must break; returns the broken method's state when there is one. */
  arrange: (harness: Harness, fault: () => Error) => { calls: number; broken: boolean } | null;
  trigger: (parent: Parent) => Promise<TurnResult>;
  /** The routine shown while a retry waits. */
  waiting: number;
  /** Where the parent is once the retry succeeds. */
  after: number;
};

const FAILURES: Failure[] = [
  {
    effect: 'claimRegistration',
    reach: 3,
    arrange: (harness, fault) => breakMethod(harness.ports, 'ledger', 'setIfAbsent', fault),
    trigger: (parent) => parent.say('3rd feb 2016'),
    waiting: 3,
    after: 4,
  },
  {
    effect: 'saveRegistration',
    reach: 29,
    arrange: (harness, fault) => breakMethod(harness.ports, 'registrations', 'upsert', fault),
    trigger: (parent) => parent.say('15'),
    waiting: 29,
    after: 30,
  },
  {
    effect: 'sendPaymentLink',
    reach: 29,
    arrange: (harness, fault) => breakMethod(harness.ports, 'sms', 'enqueue', fault),
    trigger: (parent) => parent.say('15'),
    waiting: 29,
    after: 30,
  },
  {
    effect: 'updateRecord',
    reach: 32,
    arrange: (harness, fault) => breakMethod(harness.ports, 'registrations', 'update', fault),
    trigger: (parent) => parent.say('sorry, my email is sarah.new@example.com'),
    waiting: 28,
    after: 32,
  },
];

async function arrive(routine: number) {
  const harness = await createHarness();
  const parent = aParent(harness);
  await parent.reach(routine);
  return { harness, parent };
}

describe('an effect failing with a programming error', () => {
  it.each(FAILURES.map((failure) => [failure.effect, failure] as const))(
    'in %s hands off after one turn, keeps the draft and does not loop',
    async (effect, failure) => {
      const { harness, parent } = await arrive(failure.reach);
      const broken = failure.arrange(harness, () => new TypeError('x is not a function'));
      const draftBefore = (await parent.context())?.draft ?? {};

      const turn = await failure.trigger(parent);
      expect(turn.reply).toMatch(HANDED_OFF);
      expect(turn.reply).not.toMatch(RETRY_LATER);
      expect(turn.routineNumber).toBeNull();
      expect(broken?.calls).toBe(1);
      expect(harness.logs.filter((entry) => entry.event === 'effect.crashed')).toHaveLength(1);
      expect(await handOffFlag(harness, parent.sessionId)).toMatchObject({ effect, kind: 'bug' });
      const context = await parent.context();
      expect(context?.handOff).toEqual({ effect, kind: 'bug' });
      expect(Object.keys(context?.draft ?? {})).toEqual(
        expect.arrayContaining(Object.keys(draftBefore)),
      );
      expect(context?.draft.childFirstName).toBe('Leo');

      const effectsSoFar = effectLogs(harness);
      const again = await parent.say('are you still there?');
      expect(again.reply).toMatch(HANDED_OFF);
      expect(effectLogs(harness)).toBe(effectsSoFar);
      expect(broken?.calls).toBe(1);
      expect(await parent.state()).toBe('newRegistration.handedOff');
    },
  );

  it('hands off at the save when a typed address is too long for the record', async () => {
    const harness = await createHarness();
    const parent = aParent(harness);
    expect(TOO_LONG.length).toBeGreaterThan(200);
    await parent.reach(12);
    // M44 6AA is not a demo postcode: the parent chooses to type the address.
    await parent.sayAll(['M44 6AA', '12', 'type it']);
    expect((await parent.say(TOO_LONG)).routineNumber).toBe(15);
    await parent.sayAll(['yes', 'yes', 'yes']);
    const handedOff = await parent.say('15');
    expect(handedOff.reply).toMatch(HANDED_OFF);
    expect(handedOff.reply).not.toMatch(/something went wrong/);
    expect(await handOffFlag(harness, parent.sessionId)).toMatchObject({
      effect: 'saveRegistration',
      kind: 'bug',
    });
    expect((await parent.context())?.draft.parentAddress?.line1).toMatch(/Long Meadow Lane/);
    expect(await harness.ports.registrations.list()).toEqual([]);

    const effectsSoFar = effectLogs(harness);
    for (const text of ['15', 'hello?', 'yes']) {
      const again = await parent.say(text);
      expect(again.reply).toMatch(HANDED_OFF);
      expect(again.routineNumber).toBeNull();
    }
    expect(effectLogs(harness)).toBe(effectsSoFar);
  });
});

describe('an unavailable service', () => {
  it.each(FAILURES.map((failure) => [failure.effect, failure] as const))(
    'in %s is tried again on the next message and goes on once it is back',
    async (effect, failure) => {
      const { harness, parent } = await arrive(failure.reach);
      const port = failure.arrange(harness, () => new ToolUnavailableError('down'));
      const waiting = await failure.trigger(parent);
      expect(waiting.reply).toMatch(RETRY_LATER);
      expect(waiting.routineNumber).toBe(failure.waiting);
      expect(await parent.state()).toBe('newRegistration.waitingToRetry');
      expect((await parent.context())?.failure).toEqual({ effect, count: 1 });

      if (port) port.broken = false;
      const back = await parent.say('ok');
      expect(back.routineNumber).toBe(failure.after);
      expect(back.reply).not.toMatch(RETRY_LATER);
      expect(port?.calls).toBe(2);
      expect((await parent.context())?.failure).toBeNull();
      expect(await handOffFlag(harness, parent.sessionId)).toBeUndefined();
    },
  );

  it.each(FAILURES.map((failure) => [failure.effect, failure] as const))(
    'in %s hands off after MAX_EFFECT_FAILURES failures in a row, keeping everything',
    async (effect, failure) => {
      const { harness, parent } = await arrive(failure.reach);
      const port = failure.arrange(harness, () => new ToolUnavailableError('down'));
      const draftBefore = (await parent.context())?.draft ?? {};
      const turns = [await failure.trigger(parent)];
      for (let count = 2; count <= MAX_EFFECT_FAILURES; count += 1)
        turns.push(await parent.say('ok'));

      expect(turns.slice(0, -1).map((turn) => RETRY_LATER.test(turn.reply))).toEqual(
        Array.from({ length: MAX_EFFECT_FAILURES - 1 }, () => true),
      );
      expect(turns.at(-1)?.reply).toMatch(HANDED_OFF);
      expect(port?.calls).toBe(MAX_EFFECT_FAILURES);
      expect(await handOffFlag(harness, parent.sessionId)).toMatchObject({
        effect,
        kind: 'unavailable',
      });
      const context = await parent.context();
      expect(Object.keys(context?.draft ?? {})).toEqual(
        expect.arrayContaining(Object.keys(draftBefore)),
      );

      const effectsSoFar = effectLogs(harness);
      for (const text of ['ok', 'hello?'])
        expect((await parent.say(text)).reply).toMatch(HANDED_OFF);
      expect(effectLogs(harness)).toBe(effectsSoFar);
      expect(port?.calls).toBe(MAX_EFFECT_FAILURES);
    },
  );

  it('counts failures of one effect only, from zero again after a success', async () => {
    const { harness, parent } = await arrive(29);
    const store = breakMethod(
      harness.ports,
      'registrations',
      'upsert',
      () => new ToolUnavailableError('down'),
    );
    await parent.say('15');
    await parent.say('ok');
    store.broken = false;
    const texts = breakMethod(
      harness.ports,
      'sms',
      'enqueue',
      () => new ToolUnavailableError('down'),
    );
    const afterSave = await parent.say('ok');
    expect(afterSave.reply).toMatch(RETRY_LATER);
    expect((await parent.context())?.failure).toEqual({ effect: 'sendPaymentLink', count: 1 });
    expect((await parent.say('ok')).reply).toMatch(RETRY_LATER);
    texts.broken = false;
    expect((await parent.say('ok')).routineNumber).toBe(30);
    expect(await harness.ports.sms.list()).toHaveLength(1);
    expect(await harness.ports.registrations.list()).toHaveLength(1);
  });
});

describe('the address lookup', () => {
  it.each([
    [
      'is unavailable',
      () => new ToolUnavailableError('addressLookup'),
      14,
      /type your full address/,
    ],
    ['fails with a bug', () => new TypeError('x is undefined'), null, HANDED_OFF],
  ])(
    'that %s asks for the address or hands off, in one turn',
    async (_how, fault, routine, reply) => {
      const { harness, parent } = await arrive(13);
      const lookup = breakMethod(harness.ports, 'addressLookup', 'search', fault);
      const turn = await parent.say('12');
      expect(turn.routineNumber).toBe(routine);
      expect(turn.reply).toMatch(reply);
      expect(lookup.calls).toBe(1);
    },
  );
});

describe('a hand-off whose club flag cannot be written', () => {
  it('still ends the loop and keeps the draft', async () => {
    const { harness, parent } = await arrive(29);
    breakMethod(harness.ports, 'registrations', 'upsert', () => new TypeError('bad'));
    const flag = breakMethod(
      harness.ports,
      'ledger',
      'set',
      () => new ToolUnavailableError('ledger'),
    );
    expect((await parent.say('15')).reply).toMatch(HANDED_OFF);
    expect((await parent.say('hello?')).reply).toMatch(HANDED_OFF);
    expect(flag.calls).toBe(1);
    expect((await parent.context())?.handOff).toEqual({ effect: 'saveRegistration', kind: 'bug' });
    expect((await parent.context())?.draft.paymentDay).toBe(15);
  });
});
