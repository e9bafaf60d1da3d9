import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteJobs, type SqliteJobsOptions } from '../../tools/jobs/sqlite.ts';
import type { Job, Jobs } from '../../tools/jobs/port.ts';
import { openDatabase, type SqliteDatabase } from '../../tools/sqlite/database.ts';
import { jobsContract } from '../contracts/jobs.contract.ts';
import { eventually } from '../support/http.ts';
import { lockedByAnother } from '../support/sqlite.ts';
import { sqliteStore } from './jobs-subjects.ts';

describe('SQLite jobs', () => {
  jobsContract(sqliteStore);
});

describe('SQLite jobs, on their own', () => {
  const DAY_MS = 24 * 60 * 60 * 1_000;
  const opened: { jobs: Jobs; db: SqliteDatabase }[] = [];
  const file = () => join(mkdtempSync(join(tmpdir(), 'jobs-')), 'club.sqlite');
  const open = (path: string, options: SqliteJobsOptions = {}, busyTimeoutMs?: number) => {
    const db = openDatabase(path, busyTimeoutMs === undefined ? {} : { busyTimeoutMs });
    const jobs = createSqliteJobs(db, options);
    opened.push({ jobs, db });
    return { jobs, db };
  };

  afterEach(async () => {
    for (const { jobs, db } of opened.splice(0)) {
      await jobs.close();
      db.close();
    }
  });

  it('forgets completed jobs after 7 days, freeing their ids, and keeps failed ones', async () => {
    const path = file();
    let clock = Date.now();
    const runs: string[] = [];
    const handler = async (job: Job) => {
      runs.push(job.id);
      if (job.id === 'bad') throw new Error('no');
    };
    const first = open(path, { pollMs: 20, now: () => clock }).jobs;
    first.process('work', handler);
    await first.add('work', 'old', {});
    await first.add('work', 'bad', {}, { attempts: 1 });
    await eventually(async () =>
      expect(await first.counts('work')).toMatchObject({ completed: 1, failed: 1 }),
    );
    await first.close();

    clock += 7 * DAY_MS + 1;
    const later = open(path, { pollMs: 20, now: () => clock }).jobs;
    later.process('work', handler);
    await later.add('work', 'old', {});
    await later.add('work', 'bad', {});
    await eventually(async () =>
      expect(await later.counts('work')).toMatchObject({ completed: 1, failed: 1 }),
    );
    expect(runs).toEqual(['old', 'bad', 'old']);
  });

  it('wakes at once when this process adds a job, and when a delayed one is due', async () => {
    const { jobs } = open(file(), { pollMs: 60_000 });
    const started: number[] = [];
    jobs.process('work', async () => void started.push(Date.now()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const added = Date.now();
    await jobs.add('work', 'now', {});
    await jobs.add('work', 'soon', {}, { delayMs: 300 });
    await eventually(async () => expect(started).toHaveLength(2), 2_000);
    expect(started[0]! - added).toBeLessThan(200);
    expect(started[1]! - added).toBeLessThan(800);
  });

  it('fails a job left running by a process that died once too often', async () => {
    const path = file();
    const logs: unknown[] = [];
    const { jobs, db } = open(path, {
      pollMs: 20,
      log: (event, data) => logs.push({ event, data }),
    });
    await jobs.add('work', 'cursed', {});
    db.prepare(
      `UPDATE jobs SET state = 'active', attempt = 3, stalls = 2, lease_owner = 'dead',
         lease_until = 0 WHERE id = 'cursed'`,
    ).run();
    const runs: string[] = [];
    jobs.process('work', async (job) => void runs.push(job.id));
    await eventually(async () => expect((await jobs.counts('work')).failed).toBe(1));
    expect(runs).toEqual([]);
    expect(db.prepare(`SELECT last_error FROM jobs WHERE id = 'cursed'`).get()).toEqual({
      last_error: 'JobStalledError',
    });
    expect(logs).toContainEqual({
      event: 'jobs.attempt_failed',
      data: { queue: 'work', id: 'cursed', error: 'JobStalledError', retrying: false },
    });
  });

  it("waits for another process's write lock without blocking the thread, then takes the job", async () => {
    const path = file();
    const { jobs } = open(path, { pollMs: 20 });
    await jobs.add('work', 'a', {});
    const other = lockedByAnother(path);
    const runs: string[] = [];
    jobs.process('work', async (job) => void runs.push(job.id));
    // While the worker waits for the lock, this thread's timers keep firing.
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 5);
    await new Promise((resolve) => setTimeout(resolve, 150));
    clearInterval(ticker);
    expect(ticks).toBeGreaterThan(10);
    expect(runs).toEqual([]);
    other.close();
    await eventually(async () => expect((await jobs.counts('work')).completed).toBe(1));
    expect(runs).toEqual(['a']);
  });

  it('close() waits for the job a pump was taking, and leaves none leased', async () => {
    const path = file();
    const { jobs, db } = open(path, { pollMs: 20 });
    await jobs.add('work', 'a', {});
    const other = lockedByAnother(path);
    const runs: string[] = [];
    jobs.process('work', async (job) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      runs.push(job.id);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = jobs.close();
    setTimeout(() => other.close(), 50);
    await closed;
    expect(runs).toEqual(['a']);
    expect(db.prepare(`SELECT state, lease_owner FROM jobs WHERE id = 'a'`).get()).toEqual({
      state: 'completed',
      lease_owner: null,
    });
  });

  it('logs a lease renewal the locked file refused, and renews at the next turn', async () => {
    const path = file();
    const logs: string[] = [];
    const { jobs, db } = open(
      path,
      { pollMs: 20, leaseMs: 3_000, log: (event) => logs.push(event) },
      100,
    );
    const leaseUntil = db.prepare<[], { lease_until: number }>(
      `SELECT lease_until FROM jobs WHERE id = 'long'`,
    );
    let finish = () => {};
    jobs.process('work', () => new Promise<void>((resolve) => (finish = resolve)));
    await jobs.add('work', 'long', {});
    await eventually(async () => expect((await jobs.counts('work')).active).toBe(1));
    const first = leaseUntil.get()!.lease_until;
    // Held across the renewal due 1 s after the job started, for longer than the busy timeout.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const other = lockedByAnother(path);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    other.close();
    expect(logs).toContain('jobs.store_error');
    expect(leaseUntil.get()!.lease_until).toBe(first);
    await eventually(
      async () => expect(leaseUntil.get()!.lease_until).toBeGreaterThan(first),
      2_000,
    );
    finish();
    await eventually(async () => expect((await jobs.counts('work')).completed).toBe(1));
    expect(logs).not.toContain('jobs.lease_lost');
  });

  it('refuses a second process() of one queue in one instance', () => {
    const { jobs } = open(file());
    jobs.process('work', async () => {});
    expect(() => jobs.process('work', async () => {})).toThrow(/already processed/);
  });
});
