import { Queue, UnrecoverableError, Worker, type Job as BullJob } from 'bullmq';
import { ToolUnavailableError } from '../tool.ts';
import {
  checkConcurrency,
  checkJobId,
  checkQueueName,
  errorName,
  KEEP_COMPLETED_MS,
  MAX_STALLS,
  resolveJobOptions,
  type JobsLog,
} from './options.ts';
import { PermanentJobError, type JobHandler, type Jobs, type QueueCounts } from './port.ts';

export type BullmqJobsOptions = {
  url: string;
  /** Prefix of every Redis key (BullMQ's default is 'bull'); tests use one per test. */
  prefix?: string;
  /** A job whose worker stops renewing its lock this long is taken up again (default 30 s). */
  lockDurationMs?: number;
  /** How often workers look for jobs whose lock expired (default 30 s). */
  stalledIntervalMs?: number;
  /** add() and counts() give up after this long without Redis (default 5 s). */
  commandTimeoutMs?: number;
  /**
   * close() waits this long, once the running jobs have finished, for BullMQ to record them; a
   * worker that cannot reach Redis is then let go (default 3 s).
   */
  closeGraceMs?: number;
  log?: JobsLog;
};

const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;
const DEFAULT_CLOSE_GRACE_MS = 3_000;

/** The Jobs port on BullMQ: shared through Redis by every web and worker process. */
export function createBullmqJobs(options: BullmqJobsOptions): Jobs {
  const {
    url,
    log = () => {},
    commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
    closeGraceMs = DEFAULT_CLOSE_GRACE_MS,
  } = options;
  const prefix = options.prefix === undefined ? {} : { prefix: options.prefix };
  const queues = new Map<string, Queue>();
  const workers: Worker[] = [];
  const processed = new Set<string>();
  const running = new Set<Promise<void>>();
  let closing: Promise<void> | undefined;

  const onError = (queue: string) => (error: Error) =>
    log('jobs.redis_error', { queue, error: errorName(error) });

  function queueFor(name: string): Queue {
    let queue = queues.get(name);
    if (!queue) {
      // Without the offline queue a command fails at once while Redis is away instead of waiting.
      queue = new Queue(name, { connection: { url, enableOfflineQueue: false }, ...prefix });
      queue.on('error', onError(name));
      queues.set(name, queue);
    }
    return queue;
  }

  async function command<T>(run: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), commandTimeoutMs);
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (cause) {
      throw new ToolUnavailableError('jobs', { cause });
    } finally {
      clearTimeout(timer);
    }
  }

  function assertOpen() {
    if (closing) throw new Error('Jobs is closed');
  }

  function processor(queue: string, handler: JobHandler) {
    return async (job: BullJob<unknown>) => {
      const id = job.id ?? '';
      // attemptsStarted also counts a run cut short by a dead worker, as the SQLite queue does.
      const attempt = Math.max(job.attemptsStarted, job.attemptsMade + 1);
      const run = Promise.resolve().then(() => handler({ id, queue, data: job.data, attempt }));
      running.add(run);
      try {
        await run;
      } catch (error) {
        const permanent = error instanceof PermanentJobError;
        const retrying = !permanent && job.attemptsMade + 1 < (job.opts.attempts ?? 1);
        log('jobs.attempt_failed', { queue, id, attempt, error: errorName(error), retrying });
        if (permanent) throw new UnrecoverableError(error.message);
        throw error instanceof Error ? error : new Error(`job threw ${typeof error}`);
      } finally {
        running.delete(run);
      }
    };
  }

  return {
    async add(queue, id, data, jobOptions) {
      checkQueueName(queue);
      checkJobId(id);
      const { delayMs, attempts, backoffMs } = resolveJobOptions(jobOptions);
      assertOpen();
      // A job id BullMQ still holds (waiting, delayed, active, completed, failed) makes add() a no-op.
      await command(() =>
        queueFor(queue).add(queue, data ?? null, {
          jobId: id,
          attempts,
          backoff: { type: 'exponential', delay: backoffMs },
          delay: delayMs,
          removeOnComplete: { age: KEEP_COMPLETED_MS / 1_000 },
          removeOnFail: false,
        }),
      );
    },

    process(queue, handler, processOptions = {}) {
      checkQueueName(queue);
      const concurrency = checkConcurrency(processOptions.concurrency ?? 1);
      assertOpen();
      if (processed.has(queue)) throw new Error(`Queue ${queue} is already processed here`);
      processed.add(queue);
      const worker = new Worker(queue, processor(queue, handler), {
        connection: { url },
        ...prefix,
        concurrency,
        maxStalledCount: MAX_STALLS,
        ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
        ...(options.stalledIntervalMs === undefined
          ? {}
          : { stalledInterval: options.stalledIntervalMs }),
      });
      worker.on('error', onError(queue));
      worker.on('stalled', (id) => log('jobs.stalled', { queue, id }));
      workers.push(worker);
    },

    async remove(queue, id) {
      checkQueueName(queue);
      checkJobId(id);
      assertOpen();
      // BullMQ answers 1 for a job it never had: look first. 0: it is running (locked), kept.
      const job = await command(() => queueFor(queue).getJob(id));
      if (!job) return false;
      const removed = await command(() => queueFor(queue).remove(id));
      return removed === 1;
    },

    async counts(queue) {
      checkQueueName(queue);
      assertOpen();
      const counts = await command(() =>
        queueFor(queue).getJobCounts(
          'wait',
          'prioritized',
          'active',
          'delayed',
          'failed',
          'completed',
        ),
      );
      const count = (state: string) => counts[state] ?? 0;
      return {
        waiting: count('wait') + count('prioritized'),
        active: count('active'),
        delayed: count('delayed'),
        failed: count('failed'),
        completed: count('completed'),
      } satisfies QueueCounts;
    },

    close() {
      closing ??= (async () => {
        // Workers first: they take no more jobs and let the running ones finish.
        const closed = workers.map((worker) =>
          worker.close().then(
            () => true,
            () => false,
          ),
        );
        await Promise.allSettled([...running]);
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<false>((resolve) => {
          timer = setTimeout(resolve, closeGraceMs, false);
        });
        const outcomes = await Promise.all(closed.map((close) => Promise.race([close, late])));
        clearTimeout(timer);
        workers.forEach((worker, n) => {
          if (outcomes[n]) return;
          // BullMQ retries recording the outcome until Redis is back: stop waiting, and reconnecting.
          log('jobs.close_abandoned', { queue: worker.name });
          worker.disconnect().catch(() => {});
        });
        await Promise.all(
          [...queues.values()].map((queue) =>
            queue.close().catch((error: unknown) => {
              log('jobs.close_abandoned', { queue: queue.name, error: errorName(error) });
              queue.disconnect().catch(() => {});
            }),
          ),
        );
      })();
      return closing;
    },
  };
}
