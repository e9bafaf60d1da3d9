import { describe } from 'vitest';
import { jobsContract } from '../contracts/jobs.contract.ts';
import { sqliteStore } from './jobs-subjects.ts';

describe('SQLite jobs', () => {
  jobsContract(sqliteStore);
});
