import { Queue } from 'bullmq';
import { describe, expect, inject, it } from 'vitest';
import { createBullmqJobs } from '../../tools/jobs/bullmq.ts';
import { PermanentJobError } from '../../tools/jobs/port.ts';
import { eventually } from '../support/http.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';
import { jobsContract } from '../contracts/jobs.contract.ts';
import { freePort } from '../support/redis.ts';
import { bullmqStore } from './jobs-subjects.ts';

describe('BullMQ jobs', () => {
  jobsContract(() => bullmqStore(inject('redisUrl')));
});

describe('BullMQ jobs, on their own', () => {
  it('throws ToolUnavailableError from add() and counts() while Redis cannot be reached', async () => {
    const logs: string[] = [];
    const jobs = createBullmqJobs({
      url: `redis://127.0.0.1:${await freePort()}`,
      commandTimeoutMs: 300,
      log: (event) => logs.push(event),
    });
    await expect(jobs.add('work', 'job-1', {})).rejects.toThrow(ToolUnavailableError);
    await expect(jobs.counts('work')).rejects.toThrow(ToolUnavailableError);
    await jobs.close();
    expect(logs).toContain('jobs.redis_error');
  });

  it('lets close() finish while Redis cannot be reached', async () => {
    const logs: string[] = [];
    const jobs = createBullmqJobs({
      url: `redis://127.0.0.1:${await freePort()}`,
      closeGraceMs: 300,
      log: (event) => logs.push(event),
    });
    jobs.process('work', async () => {});
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await jobs.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(logs).toContain('jobs.close_abandoned');
  });

  it('refuses a second process() of one queue in one instance', async () => {
    const [, url, prefix] = bullmqStore(inject('redisUrl'));
    const jobs = createBullmqJobs({ url: url!, prefix: prefix! });
    jobs.process('work', async () => {});
    expect(() => jobs.process('work', async () => {})).toThrow(/already processed/);
    await jobs.close();
  });

  it('counts each state as BullMQ itself does, without BullMQ', async () => {
    const [, url = '', prefix = ''] = bullmqStore(inject('redisUrl'));
    const jobs = createBullmqJobs({ url, prefix });
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let busy = false;
    jobs.process('work', async ({ id }) => {
      if (id === 'doomed') throw new PermanentJobError('no');
      if (id === 'busy') {
        busy = true;
        await gate;
      }
    });
    await jobs.add('work', 'done', {});
    await eventually(async () => expect((await jobs.counts('work')).completed).toBe(1));
    await jobs.add('work', 'doomed', {});
    await eventually(async () => expect((await jobs.counts('work')).failed).toBe(1));
    await jobs.add('work', 'busy', {});
    await eventually(async () => expect(busy).toBe(true));
    await jobs.add('work', 'queued', {});
    await jobs.add('work', 'later', {}, { delayMs: 60_000 });
    const queue = new Queue('work', { connection: { url }, prefix });
    try {
      const bull = await queue.getJobCounts(
        'wait',
        'prioritized',
        'active',
        'delayed',
        'failed',
        'completed',
      );
      const counts = await jobs.counts('work');
      expect(counts).toEqual({ waiting: 1, active: 1, delayed: 1, failed: 1, completed: 1 });
      expect(counts).toEqual({
        waiting: (bull.wait ?? 0) + (bull.prioritized ?? 0),
        active: bull.active,
        delayed: bull.delayed,
        failed: bull.failed,
        completed: bull.completed,
      });
    } finally {
      release();
      await queue.close();
      await jobs.close();
    }
  });
});
