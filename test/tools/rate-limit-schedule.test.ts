import { afterEach, describe, expect, inject, it } from 'vitest';
import { createRedisSchedule } from '../../tools/rate-limit/redis-schedule.ts';
import { createMemorySchedule, nextSlot, type Schedule } from '../../tools/rate-limit/schedule.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';
import { uniquePrefix } from './temp-database.ts';

const opened: Schedule[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((schedule) => schedule.close()));
});

/** The most calls that started within any `windowMs`. */
const mostInAnyWindow = (starts: number[], windowMs: number) => {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j += 1) {
    while ((sorted[j] ?? 0) - (sorted[i] ?? 0) >= windowMs) i += 1;
    most = Math.max(most, j - i + 1);
  }
  return most;
};

const burst = async (schedules: Schedule[], calls: number) => {
  const starts: number[] = [];
  await Promise.all(
    Array.from({ length: calls }, async (_, i) => {
      await schedules[i % schedules.length]?.wait('base');
      starts.push(Date.now());
    }),
  );
  return starts;
};

describe('a waiting schedule', () => {
  it.each([
    ['the first call', 1_000, -Infinity, { slot: 1_000, waitMs: 0 }],
    ['a call right after another', 1_000, 1_000, { slot: 1_220, waitMs: 220 }],
    ['a call long after the last', 5_000, 1_000, { slot: 5_000, waitMs: 0 }],
    ['a call behind a queue', 1_000, 1_880, { slot: 2_100, waitMs: 1_100 }],
  ])('gives %s its slot', (_, now, last, expected) => {
    expect(nextSlot(now, last, 220)).toEqual(expected);
  });

  // 125 ms apart is at most 4 in any 500 ms, with room to spare for jitter, as 250 ms is for 5/s
  it('makes every call wait its turn instead of refusing it, in one process', async () => {
    const starts = await burst([createMemorySchedule(125)], 12);
    expect(starts).toHaveLength(12);
    expect(mostInAnyWindow(starts, 500)).toBeLessThanOrEqual(5);
  });

  it('shares its slots between processes through Redis', async () => {
    const prefix = uniquePrefix('schedule');
    const schedules = await Promise.all(
      [1, 2, 3].map(() =>
        createRedisSchedule({ url: inject('redisUrl'), prefix, intervalMs: 125 }),
      ),
    );
    opened.push(...schedules);
    const started = Date.now();
    const starts = await burst(schedules, 15);
    expect(starts).toHaveLength(15);
    expect(mostInAnyWindow(starts, 500)).toBeLessThanOrEqual(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_300);
  });

  it('stops waiting with the caller’s reason when the caller aborts', async () => {
    const schedule = createMemorySchedule(10_000);
    await schedule.wait('base');
    const controller = new AbortController();
    const reason = new Error('parent left');
    const waiting = schedule.wait('base', controller.signal);
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });

  it('fails as unavailable when Redis cannot give a slot', async () => {
    const schedule = await createRedisSchedule({
      url: inject('redisUrl'),
      prefix: uniquePrefix('schedule'),
      intervalMs: 100,
    });
    await schedule.close();
    await expect(schedule.wait('base')).rejects.toBeInstanceOf(ToolUnavailableError);
  });
});
