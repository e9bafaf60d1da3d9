import { describe, expect, it } from 'vitest';
import { createHarness } from '../support/harness.ts';
import { aParent } from './journeys.ts';

describe('after the registration', () => {
  it.each([
    'thanks!',
    'Thank you so much',
    'cheers x',
    'ok great, bye',
    'ty 👍',
    'brilliant thanks',
  ])('answers "%s" kindly, not as a message it did not catch', async (text) => {
    const harness = await createHarness();
    const parent = aParent(harness);
    await parent.reach(35);
    const turn = await parent.say(text);
    expect(turn.reply).toMatch(/^You're welcome! Thanks for registering with/);
    expect(turn.reply).not.toMatch(/didn't quite catch|stuck/);
    expect(turn.routineNumber).toBe(35);
  });

  it('says it is done to anything else, and stays done', async () => {
    const harness = await createHarness();
    const parent = aParent(harness);
    await parent.reach(35);
    const turn = await parent.say('what happens now');
    expect(turn.reply).not.toMatch(/didn't quite catch/);
    expect(turn.routineNumber).toBe(35);
  });

  it('offers a sibling the parent details by name', async () => {
    const harness = await createHarness();
    const parent = aParent(harness);
    await parent.reach(35);
    const turn = await parent.say('200-Lions-U10-2526');
    expect(turn.reply).toMatch(/same details for you as last time \(Sarah Jones, your mobile/);
    expect(turn.reply).not.toMatch(/\( ,|\(\s*,/);
  });
});
