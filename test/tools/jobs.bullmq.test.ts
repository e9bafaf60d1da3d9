import { describe, expect, inject, it } from 'vitest';
import { createBullmqJobs } from '../../tools/jobs/bullmq.ts';
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
});
