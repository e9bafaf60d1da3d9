import type * as Bullmq from 'bullmq';
import type { Job as BullJob, Queue, Worker } from 'bullmq';
import { connectRedisClient } from '../redis/connection.ts';
import { ToolUnavailableError } from '../tool.ts';
import { within } from '../within.ts';
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
type Reader = Awaited<ReturnType<typeof connectRedisClient>>;
/** BullMQ's own default prefix of its keys. */
const BULLMQ_PREFIX = 'bull';

/**
 * BullMQ, loaded on first use (a job added, removed or processed): a web process that only reads
 * counts for its readiness probe and metrics starts without it (some 170 files, and ioredis).
 */
let bullmq: Promise<typeof Bullmq> | null = null;
const loadBullmq = () => (bullmq ??= import('bullmq'));

/**
 * A queue's counts read straight from BullMQ's keys (`<prefix>:<queue>:<state>`, lists for waiting
 * and active, sorted sets for the rest) in one transaction: what BullMQ's getJobCounts script
 * reads for these states, without loading BullMQ. The contract test compares the two.
 */
async function readCounts(client: Reader['client'], prefix: string, queue: string) {
  const key = (state: string) => `${prefix}:${queue}:${state}`;
  const replies = await client
    .multi()
    .lLen(key('wait'))
    .zCard(key('prioritized'))
    .lLen(key('active'))
    .zCard(key('delayed'))
    .zCard(key('failed'))
    .zCard(key('completed'))
    .exec();
  const count = (index: number) => {
    const reply = replies[index];
    return typeof reply === 'number' ? reply : 0;
  };
  return {
    waiting: count(0) + count(1),
    active: count(2),
    delayed: count(3),
    failed: count(4),
    completed: count(5),
  } satisfies QueueCounts;
}

/** The Jobs port on BullMQ: shared through Redis by every web and worker process. */
export function createBullmqJobs(options: BullmqJobsOptions): Jobs {
  const {
    url,
    log = () => {},
    commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
    closeGraceMs = DEFAULT_CLOSE_GRACE_MS,
  } = options;
  const prefix = options.prefix === undefined ? {} : { prefix: options.prefix };
  const queues = new Map<string, Promise<Queue>>();
  const workers: Promise<Worker | null>[] = [];
  /** The connection counts() reads with, opened on first use (again after a failed first connect). */
  let reader: Promise<Reader> | null = null;
  let connectedReader: Reader | null = null;
  const processed = new Set<string>();
  const running = new Set<Promise<void>>();
  let closing: Promise<void> | undefined;

  const onError = (queue: string) => (error: Error) =>
    log('jobs.redis_error', { queue, error: errorName(error) });

  function queueFor(name: string): Promise<Queue> {
    let queue = queues.get(name);
    if (!queue) {
      queue = loadBullmq().then(({ Queue }) => {
        // Without the offline queue a command fails at once while Redis is away instead of waiting.
        const created = new Queue(name, {
          connection: { url, enableOfflineQueue: false },
          ...prefix,
        });
        created.on('error', onError(name));
        return created;
      });
      queues.set(name, queue);
    }
    return queue;
  }

  function readerClient() {
    if (!reader) {
      const connecting = connectRedisClient(url);
      reader = connecting;
      connecting.then(
        (connection) => (connectedReader = connection),
        () => {
          if (reader === connecting) reader = null;
        },
      );
    }
    return reader;
  }

  async function command<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await within(run(), commandTimeoutMs);
    } catch (cause) {
      throw new ToolUnavailableError('jobs', { cause });
    }
  }

  function assertOpen() {
    if (closing) throw new Error('Jobs is closed');
  }

  function processor(
    queue: string,
    handler: JobHandler,
    UnrecoverableError: typeof Bullmq.UnrecoverableError,
  ) {
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
      await command(async () =>
        (await queueFor(queue)).add(queue, data ?? null, {
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
      const worker = loadBullmq().then(({ Worker, UnrecoverableError }) => {
        if (closing) return null;
        const created = new Worker(queue, processor(queue, handler, UnrecoverableError), {
          connection: { url },
          ...prefix,
          concurrency,
          maxStalledCount: MAX_STALLS,
          ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
          ...(options.stalledIntervalMs === undefined
            ? {}
            : { stalledInterval: options.stalledIntervalMs }),
        });
        created.on('error', onError(queue));
        created.on('stalled', (id) => log('jobs.stalled', { queue, id }));
        return created;
      });
      workers.push(worker);
    },

    async remove(queue, id) {
      checkQueueName(queue);
      checkJobId(id);
      assertOpen();
      // BullMQ answers 1 for a job it never had: look first. 0: it is running (locked), kept.
      const job = await command(async () => (await queueFor(queue)).getJob(id));
      if (!job) return false;
      const removed = await command(async () => (await queueFor(queue)).remove(id));
      return removed === 1;
    },

    async counts(queue) {
      checkQueueName(queue);
      assertOpen();
      return command(async () =>
        readCounts((await readerClient()).client, options.prefix ?? BULLMQ_PREFIX, queue),
      );
    },

    close() {
      closing ??= (async () => {
        // Workers first: they take no more jobs and let the running ones finish.
        const started = (
          await Promise.all(workers.map((worker) => worker.catch(() => null)))
        ).filter((worker) => worker !== null);
        const closed = started.map((worker) =>
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
        started.forEach((worker, n) => {
          if (outcomes[n]) return;
          // BullMQ retries recording the outcome until Redis is back: stop waiting, and reconnecting.
          log('jobs.close_abandoned', { queue: worker.name });
          worker.disconnect().catch(() => {});
        });
        const opened = await Promise.all(
          [...queues.values()].map((queue) => queue.catch(() => null)),
        );
        await Promise.all(
          opened
            .filter((queue) => queue !== null)
            .map((queue) =>
              queue.close().catch((error: unknown) => {
                log('jobs.close_abandoned', { queue: queue.name, error: errorName(error) });
                queue.disconnect().catch(() => {});
              }),
            ),
        );
        // A reader still connecting (Redis unreachable) is closed once it settles, not waited for.
        if (connectedReader) await connectedReader.close();
        else
          void reader?.then(
            (connection) => connection.close(),
            () => {},
          );
      })();
      return closing;
    },
  };
}
