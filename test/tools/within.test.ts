import { describe, expect, it } from 'vitest';
import { within } from '../../tools/within.ts';

describe('within', () => {
  it('answers what the work answers, failures included, and leaves no timer behind', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout');
    const before = timers().length;
    await expect(within(Promise.resolve('done'), 60_000)).resolves.toBe('done');
    await expect(within(Promise.reject(new Error('refused')), 60_000)).rejects.toThrow('refused');
    expect(timers()).toHaveLength(before);
  });

  it('fails once the time has passed without an answer', async () => {
    await expect(within(new Promise(() => {}), 20)).rejects.toThrow('no answer within 20 ms');
  });
});
