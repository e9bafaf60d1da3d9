import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { InvalidJobNameError } from '../../tools/jobs/options.ts';
import { PermanentJobError, type Job, type Jobs, type QueueCounts } from '../../tools/jobs/port.ts';
import { eventually } from '../support/http.ts';
import { openJobs, type JobsLogLine, type StoreArgs } from '../tools/jobs-subjects.ts';

const ROOT = join(import.meta.dirname, '../..');
const CHILD = join(ROOT, 'test/tools/jobs-child.ts');
/** Timers may fire a millisecond early against Date.now(); the contract allows for that much. */
const CLOCK_SLACK_MS = 5;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Run = { id: string; queue: string; data: unknown; attempt: number; at: number };

/** A handler that records every run, then does what `behave` says. */
function recorder(behave: (job: Job) => Promise<void> = async () => {}) {
  const runs: Run[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const handler = async (job: Job) => {
    runs.push({ ...job, at: Date.now() });
    running += 1;
    mostAtOnce = Math.max(mostAtOnce, running);
    try {
      await behave(job);
    } finally {
      running -= 1;
    }
  };
  return { runs, handler, mostAtOnce: () => mostAtOnce };
}

const failure = (attempt: number, retrying: boolean) => ({
  queue: 'work',
  id: 'doomed',
  attempt,
  error: 'TypeError',
  retrying,
});

const ZERO: QueueCounts = { waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 };

const children: ChildProcess[] = [];

/** Starts test/tools/jobs-child.ts on the same store; the test's end kills it if it still runs. */
function child(mode: 'crash' | 'exit', store: StoreArgs) {
  const process_ = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, ...store], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(process_);
  let stdout = '';
  let stderr = '';
  process_.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  process_.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    process_.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { process: process_, exited, output: () => ({ stdout, stderr }) };
}

/**
 * The meaning every Jobs adapter shares. `makeStore` gives a fresh, empty store per test; every
 * instance a test opens on it stands for one process (a restart, a second worker).
 */
export function jobsContract(makeStore: () => StoreArgs) {
  let store: StoreArgs;
  let opened: Jobs[] = [];
  let logs: JobsLogLine[] = [];
  const open = () => {
    const jobs = openJobs(store, logs);
    opened.push(jobs);
    return jobs;
  };

  afterEach(async () => {
    // A no-op for a child that has exited: Node signals only a process it still holds.
    children.splice(0).forEach((running) => running.kill('SIGKILL'));
    await Promise.all(opened.map((jobs) => jobs.close()));
    opened = [];
    logs = [];
  });

  const fresh = () => {
    store = makeStore();
    return open();
  };

  it('runs an added job once, with its id, queue, data and attempt number', async () => {
    const jobs = fresh();
    const { runs, handler } = recorder();
    jobs.process('work', handler);
    await jobs.add('work', 'job-1', { photo: 'a.jpg' });
    await eventually(async () => expect((await jobs.counts('work')).completed).toBe(1));
    await sleep(150);
    expect(runs.map(({ id, queue, data, attempt }) => ({ id, queue, data, attempt }))).toEqual([
      { id: 'job-1', queue: 'work', data: { photo: 'a.jpg' }, attempt: 1 },
    ]);
    expect(await jobs.counts('work')).toEqual({ ...ZERO, completed: 1 });
  });

  it('adds nothing for a job id still known: waiting, completed or failed', async () => {
    const jobs = fresh();
    const { runs, handler } = recorder(async (job) => {
      if (job.id === 'refused') throw new Error('no');
    });
    await jobs.add('work', 'twice', { n: 1 });
    await jobs.add('work', 'twice', { n: 2 });
    await jobs.add('work', 'refused', {}, { attempts: 1 });
    jobs.process('work', handler);
    await eventually(async () =>
      expect(await jobs.counts('work')).toEqual({ ...ZERO, completed: 1, failed: 1 }),
    );
    await jobs.add('work', 'twice', { n: 3 });
    await jobs.add('work', 'refused', {});
    await sleep(150);
    expect(runs.map(({ id, data }) => ({ id, data }))).toEqual([
      { id: 'twice', data: { n: 1 } },
      { id: 'refused', data: {} },
    ]);
    expect(await jobs.counts('work')).toEqual({ ...ZERO, completed: 1, failed: 1 });
  });

  it('removes a waiting or delayed job (an erasure), and says when there was none', async () => {
    const jobs = fresh();
    await jobs.add('work', 'soon', { photo: 'a' });
    await jobs.add('work', 'later', { photo: 'b' }, { delayMs: 60_000 });
    expect(await jobs.remove('work', 'soon')).toBe(true);
    expect(await jobs.remove('work', 'later')).toBe(true);
    expect(await jobs.remove('work', 'later')).toBe(false);
    expect(await jobs.remove('work', 'never-added')).toBe(false);
    expect(await jobs.counts('work')).toEqual(ZERO);
  });

  it('retries a failing job with exponential backoff until it succeeds', async () => {
    const jobs = fresh();
    const { runs, handler } = recorder(async (job) => {
      if (job.attempt < 3) throw new Error(`attempt ${job.attempt} fails`);
    });
    jobs.process('work', handler);
    await jobs.add('work', 'flaky', {}, { attempts: 3, backoffMs: 150 });
    await eventually(async () => expect((await jobs.counts('work')).completed).toBe(1));
    expect(runs.map((run) => run.attempt)).toEqual([1, 2, 3]);
    const [first, second, third] = runs.map((run) => run.at);
    expect(second! - first!).toBeGreaterThanOrEqual(150 - CLOCK_SLACK_MS);
    expect(third! - second!).toBeGreaterThanOrEqual(300 - CLOCK_SLACK_MS);
  });

  it('keeps a job as failed once its attempts are spent, logging ids and error names', async () => {
    const jobs = fresh();
    const { runs, handler } = recorder(async () => {
      throw new TypeError('no parent named Jane Smith');
    });
    jobs.process('work', handler);
    await jobs.add('work', 'doomed', {}, { attempts: 2, backoffMs: 50 });
    await eventually(async () => expect((await jobs.counts('work')).failed).toBe(1));
    await sleep(150);
    expect(runs.map((run) => run.attempt)).toEqual([1, 2]);
    expect(await jobs.counts('work')).toEqual({ ...ZERO, failed: 1 });
    expect(logs.filter((line) => line.event === 'jobs.attempt_failed')).toEqual([
      { event: 'jobs.attempt_failed', data: failure(1, true) },
      { event: 'jobs.attempt_failed', data: failure(2, false) },
    ]);
    expect(JSON.stringify(logs)).not.toContain('Jane');
  });

  it('fails a job at once, without its retries, on PermanentJobError', async () => {
    const jobs = fresh();
    const { runs, handler } = recorder(async () => {
      throw new PermanentJobError('a refusal');
    });
    jobs.process('work', handler);
    await jobs.add('work', 'refused', {}, { attempts: 5, backoffMs: 50 });
    await eventually(async () => expect((await jobs.counts('work')).failed).toBe(1));
    await sleep(150);
    expect(runs).toHaveLength(1);
    expect(await jobs.counts('work')).toEqual({ ...ZERO, failed: 1 });
  });

  it('holds a delayed job until its delay has passed', async () => {
    const jobs = fresh();
    const { runs, handler } = recorder();
    const added = Date.now();
    await jobs.add('work', 'later', {}, { delayMs: 400 });
    expect(await jobs.counts('work')).toEqual({ ...ZERO, delayed: 1 });
    jobs.process('work', handler);
    await eventually(async () => expect(runs).toHaveLength(1));
    expect(runs[0]!.at - added).toBeGreaterThanOrEqual(400 - CLOCK_SLACK_MS);
  });

  it.each([1, 3])('runs at most %i job(s) at once when asked to', async (concurrency) => {
    const jobs = fresh();
    const { runs, handler, mostAtOnce } = recorder(() => sleep(150));
    const count = 2 * concurrency + 1;
    for (let n = 0; n < count; n += 1) await jobs.add('work', `job-${n}`, { n });
    jobs.process('work', handler, { concurrency });
    await eventually(async () => expect((await jobs.counts('work')).completed).toBe(count));
    expect(runs).toHaveLength(count);
    expect(mostAtOnce()).toBe(concurrency);
  });

  it('runs each job once when several instances process one queue', async () => {
    const jobs = fresh();
    const second = open();
    const { runs, handler } = recorder(() => sleep(10));
    jobs.process('work', handler, { concurrency: 2 });
    second.process('work', handler, { concurrency: 2 });
    const ids = Array.from({ length: 20 }, (_, n) => `job-${n}`);
    await Promise.all(ids.map((id, n) => (n % 2 ? jobs : second).add('work', id, {})));
    await eventually(async () => expect((await jobs.counts('work')).completed).toBe(20));
    expect(runs.map((run) => run.id).sort()).toEqual([...ids].sort());
  });

  it('never lets a second instance take a job whose worker runs longer than its lease', async () => {
    const jobs = fresh();
    const second = open();
    const { runs, handler } = recorder(() => sleep(1_800));
    jobs.process('work', handler);
    await jobs.add('work', 'long', {});
    await eventually(async () => expect(runs).toHaveLength(1));
    second.process('work', handler);
    await eventually(async () => expect((await jobs.counts('work')).completed).toBe(1), 5_000);
    expect(runs).toHaveLength(1);
  });

  it('keeps the jobs added before close() for the next instance', async () => {
    const first = fresh();
    await first.add('work', 'now', { n: 1 });
    await first.add('work', 'soon', { n: 2 }, { delayMs: 300 });
    await first.close();
    const next = open();
    const { runs, handler } = recorder();
    next.process('work', handler);
    await eventually(async () => expect((await next.counts('work')).completed).toBe(2));
    expect(runs.map((run) => run.id)).toEqual(['now', 'soon']);
  });

  it('lets a running job finish on close()', async () => {
    const jobs = fresh();
    let finished = false;
    const { runs, handler } = recorder(async () => {
      await sleep(300);
      finished = true;
    });
    jobs.process('work', handler);
    await jobs.add('work', 'slow', {});
    await eventually(async () => expect(runs).toHaveLength(1));
    await jobs.close();
    expect(finished).toBe(true);
    expect(await open().counts('work')).toEqual({ ...ZERO, completed: 1 });
  });

  it('runs again, in a new process, a job whose process was killed while running it', async () => {
    const jobs = fresh();
    await jobs.add('work', 'interrupted', { photo: 'b.jpg' });
    const worker = child('crash', store);
    await eventually(async () => expect(worker.output().stdout).toBe('started interrupted 1\n'));
    worker.process.kill('SIGKILL');
    expect(await worker.exited).toEqual({ code: null, signal: 'SIGKILL' });

    const { runs, handler } = recorder();
    jobs.process('work', handler);
    await eventually(async () => expect((await jobs.counts('work')).completed).toBe(1), 8_000);
    expect(runs.map(({ id, data, attempt }) => ({ id, data, attempt }))).toEqual([
      { id: 'interrupted', data: { photo: 'b.jpg' }, attempt: 2 },
    ]);
  });

  it('leaves nothing that keeps a process alive after close()', async () => {
    store = makeStore();
    const worker = child('exit', store);
    const timeout = sleep(10_000).then(() => 'still running' as const);
    const exit = await Promise.race([worker.exited, timeout]);
    expect({ exit, stdout: worker.output().stdout }).toEqual({
      exit: { code: 0, signal: null },
      stdout: 'done\n',
    });
  });

  it.each([
    ['a queue name with a colon', 'bad:queue', 'id-1'],
    ['an empty queue name', '', 'id-1'],
    ['a job id with a colon', 'work', 'registration:1'],
    ['a job id with a space', 'work', 'child 1'],
    ['a job id of digits only', 'work', '12345'],
    ['a job id longer than 200 characters', 'work', 'x'.repeat(201)],
  ])('refuses %s', async (_, queue, id) => {
    const jobs = fresh();
    await expect(jobs.add(queue, id, {})).rejects.toThrow(InvalidJobNameError);
    if (queue !== 'work')
      expect(() => jobs.process(queue, async () => {})).toThrow(InvalidJobNameError);
  });

  it('accepts letters, digits, dashes, underscores and dots', async () => {
    const jobs = fresh();
    await jobs.add('photos.v1', 'reg_2026-abc.1', {});
    expect(await jobs.counts('photos.v1')).toEqual({ ...ZERO, waiting: 1 });
  });
}
