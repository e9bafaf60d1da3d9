import { describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';
import { journey } from './journeys.ts';

const SCRIPT = journey().map(([text]) => text);

async function reach(harness: Harness, routine: number) {
  for (const [index, [, leadsTo]] of journey().entries()) {
    const turn = await harness.say(SCRIPT[index] ?? '');
    if (leadsTo === routine) return turn;
  }
  throw new Error(`routine ${routine} is not on the journey`);
}

describe('corrections in one message', () => {
  it('applies two corrections at the summary and names each one', async () => {
    const harness = await createHarness();
    await reach(harness, 28);
    const turn = await harness.say('my email is sarah.j@example.com and my mobile is 07700 900457');
    expect(turn.reply).toMatch(/I've changed your e-mail and your mobile number/);
    expect(turn.routineNumber).toBe(28);
    expect(turn.reply).toMatch(/sarah\.j@example\.com/);
    expect(turn.reply).toMatch(/07700 ?900 ?457/);
  });

  it('applies two simple corrections mid-flow and asks the same question again', async () => {
    const harness = await createHarness();
    await reach(harness, 11);
    const turn = await harness.say(
      'sorry, my name is Sarah Smith and my email is sarah.smith@example.com',
    );
    expect(turn.reply).toMatch(/I've changed your name and your e-mail/);
    expect(turn.routineNumber).toBe(11);
    const rest = await (async () => {
      let last = turn;
      for (const text of SCRIPT.slice(11, 16)) last = await harness.say(text);
      return last;
    })();
    expect(rest.routineNumber).toBe(28);
    expect(rest.reply).toMatch(/Sarah Smith/);
    expect(rest.reply).toMatch(/sarah\.smith@example\.com/);
  });

  it('takes a correction typed at the summary as the parent says it', async () => {
    const harness = await createHarness();
    await reach(harness, 28);
    const turn = await harness.say('leos number is actually 07700 900457 sorry');
    expect(turn.routineNumber).toBe(28);
    expect(turn.reply).toMatch(/07700 ?900 ?457/);
    expect(turn.reply).not.toMatch(/yes or no/);
  });
});

describe('two answers in one message', () => {
  it('keeps the mobile and the e-mail sent together, and names the second', async () => {
    const harness = await createHarness();
    await reach(harness, 8);
    const turn = await harness.say('07911 222333 and my email is sarah@example.com');
    expect(turn.reply).toMatch(/I've also noted your e-mail: sarah@example\.com/);
    expect(turn.routineNumber).toBe(10);
  });

  it("keeps the child's name and date of birth sent together", async () => {
    const harness = await createHarness();
    await reach(harness, 2);
    const turn = await harness.say('Leo Jones, 3rd feb 2016');
    expect(turn.reply).toMatch(/I've also noted the date of birth: 03-02-2016/);
    expect(turn.routineNumber).toBe(4);
  });
});
