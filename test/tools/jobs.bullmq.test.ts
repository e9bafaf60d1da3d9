import { describe, inject } from 'vitest';
import { jobsContract } from '../contracts/jobs.contract.ts';
import { bullmqStore } from './jobs-subjects.ts';

describe('BullMQ jobs', () => {
  jobsContract(() => bullmqStore(inject('redisUrl')));
});
