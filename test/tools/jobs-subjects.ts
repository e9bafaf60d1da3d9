import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createBullmqJobs } from '../../tools/jobs/bullmq.ts';
import { createSqliteJobs } from '../../tools/jobs/sqlite.ts';
import type { Jobs } from '../../tools/jobs/port.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';

/** Short leases so that a job of a killed process is taken up within about two seconds. */
export const LEASE_MS = 1_000;

export type JobsLogLine = { event: string; data?: Record<string, unknown> };

/**
 * Where a subject's jobs live, as command-line arguments: `sqlite <file>` or
 * `bullmq <url> <prefix>`. A test process and test/tools/jobs-child.ts open the same store from them.
 */
export type StoreArgs = string[];

export function sqliteStore(): StoreArgs {
  return ['sqlite', join(mkdtempSync(join(tmpdir(), 'jobs-')), 'club.sqlite')];
}

export function bullmqStore(redisUrl: string): StoreArgs {
  return ['bullmq', redisUrl, `jobs-${randomUUID().slice(0, 8)}`];
}

/** A Jobs on the store the arguments name; its close() also closes the SQLite file it opened. */
export function openJobs(store: StoreArgs, logs: JobsLogLine[] = []): Jobs {
  const log = (event: string, data?: Record<string, unknown>) =>
    logs.push(data ? { event, data } : { event });
  const [kind, location = '', prefix = ''] = store;
  if (kind === 'bullmq') {
    return createBullmqJobs({
      url: location,
      prefix,
      lockDurationMs: LEASE_MS,
      stalledIntervalMs: LEASE_MS / 2,
      log,
    });
  }
  if (kind !== 'sqlite') throw new Error(`unknown store ${kind}`);
  const db = openDatabase(location);
  const jobs = createSqliteJobs(db, { pollMs: 50, leaseMs: LEASE_MS, log });
  let closing: Promise<void> | undefined;
  return {
    ...jobs,
    close() {
      closing ??= jobs.close().then(() => void db.close());
      return closing;
    },
  };
}
