import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TurnResult } from '../../machines/chat-service.ts';
import type { Draft } from '../../routines/draft.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';
import { createHarness } from '../support/harness.ts';
import { aParent, journey, outcomes, theRecord, type Parent } from './journeys.ts';

/**
 * Where a message sent twice would do harm: the routine it answers, the answer, where it leads, and
 * the next question's field that a second copy must never fill.
 */
const RESENDS = [
  [1, 'Sarah Jones', 2, 'childFirstName'],
  [12, 'M41 0AA', 13, 'parentHouseNumber'],
  [15, 'yes', 16, 'childLivesWithParent'],
  [29, '15', 30, 'paymentLinkReceived'],
  [32, 'M', 33, 'shirtNumber'],
] as const satisfies readonly (readonly [number, string, number, keyof Draft])[];

/** How copies of one message arrive. */
const SENDERS = {
  /** As the club frontend sends them: each says the routine it showed when the parent typed. */
  'from the club frontend': (parent: Parent, text: string, at: number, copies: number) =>
    Promise.all(Array.from({ length: copies }, () => parent.say(text, at))),
  /** With no hint at all, every copy received before the first was applied. */
  'with no hint': (parent: Parent, text: string, _at: number, copies: number) =>
    Promise.all(Array.from({ length: copies }, () => parent.sayBare(text))),
};

const cases = (copies: number) =>
  Object.keys(SENDERS).flatMap((sender) =>
    RESENDS.map(([at, text, next, field]) => [copies, at, sender, text, next, field] as const),
  );

/** What the parent sends from routine `next` on: the journey's messages answered there or later. */
function restFrom(next: number) {
  const all = journey();
  return all.filter((_, index) => (all[index - 1]?.[1] ?? 0) >= next).map(([text]) => text);
}

async function atRoutine(routine: number) {
  const harness = await createHarness();
  const parent = aParent(harness);
  await parent.reach(routine);
  return { harness, parent };
}

describe('a message sent more than once', () => {
  it.each([...cases(2), ...cases(20)])(
    'sent %i times at %i %s is applied once and never to the next question',
    async (copies, at, sender, text, next, field) => {
      const { harness, parent } = await atRoutine(at);
      const turns: TurnResult[] = await SENDERS[sender as keyof typeof SENDERS](
        parent,
        text,
        at,
        copies,
      );
      expect(turns.map((turn) => turn.routineNumber)).toEqual(turns.map(() => next));
      expect(new Set(turns.map((turn) => turn.reply)).size).toBe(1);
      expect((await parent.context())?.draft[field]).toBeUndefined();
      expect(harness.logs.filter((entry) => entry.event === 'turn.resend')).toHaveLength(
        copies - 1,
      );

      // The parent goes on as if they had sent it once, and the record says what they meant.
      if (next < 34) expect((await parent.sayAll(restFrom(next))).routineNumber).toBe(34);
      expect(await outcomes(harness)).toEqual({ records: 1, billingRequests: 1, texts: 1 });
      expect((await theRecord(harness)).fields).toMatchObject({
        player_first_name: 'Leo',
        parent_first_name: 'Sarah',
        parent_post_code: 'M41 0AA',
        parent_house_number: '12',
        preferred_payment_day: 15,
        kit_size: 'M',
        shirt_number: '7',
      });
    },
  );
});

describe('a message that did not move the parent on', () => {
  it('is applied again when resent after an unclear answer', async () => {
    const { parent } = await atRoutine(8);
    const turns = [];
    for (let copy = 0; copy < 3; copy += 1) turns.push(await parent.say('my number is 123', 8));
    expect(turns.map((turn) => turn.routineNumber)).toEqual([8, 8, 8]);
    expect(turns[2]?.reply).toMatch(/If you're stuck/);
    expect((await parent.context())?.unclearInARow).toBe(3);
    expect((await parent.say('07700 900 123', 8)).routineNumber).toBe(9);
  });

  it('is applied again when two unclear copies arrive at once with no hint', async () => {
    const { parent } = await atRoutine(8);
    await Promise.all([parent.sayBare('my number is 123'), parent.sayBare('my number is 123')]);
    expect((await parent.context())?.unclearInARow).toBe(2);
  });

  it('is applied again when resent while a retry waits, and the retry goes through', async () => {
    const { harness, parent } = await atRoutine(29);
    const upsert = harness.ports.registrations.upsert.bind(harness.ports.registrations);
    let down = true;
    harness.ports.registrations.upsert = async (...args) => {
      if (down) throw new ToolUnavailableError('registrations');
      return upsert(...args);
    };
    const waiting = await parent.say('15', 29);
    expect(waiting.routineNumber).toBe(29);
    expect(waiting.reply).toMatch(/send me any message/);
    down = false;
    const saved = await parent.say('15', 29);
    expect(saved.routineNumber).toBe(30);
    expect(await outcomes(harness)).toEqual({ records: 1, billingRequests: 1, texts: 1 });
  });
});

describe('the same words given to the next question', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['from the club frontend', (parent: Parent) => parent.say('yes')],
    ['with no hint, a moment after the reply', (parent: Parent) => parent.sayBare('yes')],
  ])('are applied to it when sent %s', async (_how, send) => {
    const { parent } = await atRoutine(15);
    await send(parent);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await send(parent)).routineNumber).toBe(28);
    expect((await parent.context())?.draft.childLivesWithParent).toBe(true);
  });

  it('are applied to it with no hint even in the millisecond the reply was sent', async () => {
    const { parent } = await atRoutine(15);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      await parent.sayBare('yes');
      expect((await parent.sayBare('yes')).routineNumber).toBe(28);
    } finally {
      vi.useRealTimers();
    }
  });
});
