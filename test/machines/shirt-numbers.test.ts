import { describe, expect, inject, it } from 'vitest';
import { createRedisKeyValueStore } from '../../tools/kv/redis.ts';
import { createHarness } from '../support/harness.ts';
import { aParent, type Child } from './journeys.ts';

const AVA: Child = { name: 'Ava Smith', dateOfBirth: '1st march 2016' };
const BEN: Child = { name: 'Ben Brown', dateOfBirth: '2nd april 2016' };

describe('shirt numbers held in the shared ledger (Redis)', () => {
  it('go to one child only when two instances with their own local stores ask at once', async () => {
    const ledger = await createRedisKeyValueStore(
      inject('redisUrl'),
      `shirts-${process.pid}-${Date.now()}`,
    );
    try {
      // Two instances: each its own SQLite file, both on one Redis ledger.
      const one = await createHarness({ ports: { ledger } });
      const two = await createHarness({ ports: { ledger } });
      const ava = aParent(one);
      const ben = aParent(two);
      await Promise.all([ava.reach(33, AVA), ben.reach(33, BEN)]);
      const [first, second] = await Promise.all([ava.say('number 7'), ben.say('number 7')]);
      const numbers = [first.routineNumber, second.routineNumber].sort();
      expect(numbers).toEqual([33, 34]);
      const [loser, winnerName] = first.routineNumber === 33 ? [first, 'Ben'] : [second, 'Ava'];
      expect(loser.reply).toMatch(/number 7 is already taken/);
      // Never who holds it.
      expect(loser.reply).not.toContain(winnerName);
    } finally {
      await ledger.close();
    }
  });
});
