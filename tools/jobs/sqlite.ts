import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ensureSchema, inWriteTransaction, type SqliteDatabase } from '../sqlite/database.ts';
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

/** How the store names itself when the file stays locked (as the BullMQ store does). */
const SERVICE = 'jobs';

export type SqliteJobsOptions = {
  /** How often an idle worker looks for due jobs (default 500 ms). */
  pollMs?: number;
  /** A running job's lease, renewed while it runs; once it lapses, any process takes the job up. */
  leaseMs?: number;
  log?: JobsLog;
  /** The clock (tests move it on to see completed jobs pruned). */
  now?: () => number;
};

const DEFAULT_POLL_MS = 500;
const DEFAULT_LEASE_MS = 30_000;
const PRUNE_EVERY_MS = 60 * 60 * 1_000;
/** Never spin: even a due job that another process took first is looked for again only after this. */
const MIN_WAIT_MS = 10;
const MAX_ERROR_LENGTH = 500;

// `attempt` counts the runs started, `stalls` those cut short by a dead process: a failure's number
// is attempt - stalls, so a crash costs no retry (as in BullMQ, where stalls are counted apart).
const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  queue TEXT NOT NULL,
  id TEXT NOT NULL,
  data TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('waiting', 'active', 'completed', 'failed')),
  attempt INTEGER NOT NULL DEFAULT 0,
  stalls INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
  backoff_ms INTEGER NOT NULL CHECK (backoff_ms >= 0),
  run_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER,
  PRIMARY KEY (queue, id)
) STRICT;
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (queue, state, run_at);
CREATE INDEX IF NOT EXISTS jobs_finished ON jobs (state, finished_at);
`;

const ClaimedRow = z.object({
  id: z.string(),
  data: z.string(),
  attempt: z.number().int().min(1),
  stalls: z.number().int().min(0),
  max_attempts: z.number().int().min(1),
  backoff_ms: z.number().int().min(0),
});
type ClaimedRow = z.infer<typeof ClaimedRow>;

const CountsRow = z.object({
  waiting: z.number().nullable(),
  delayed: z.number().nullable(),
  active: z.number().nullable(),
  failed: z.number().nullable(),
  completed: z.number().nullable(),
});
const IdRow = z.object({ id: z.string() });
const NextRow = z.object({ next: z.number().nullable() });

type Running = { queue: string; id: string; token: string };
type QueueWorker = {
  queue: string;
  handler: JobHandler;
  concurrency: number;
  running: Set<Promise<void>>;
  timer?: NodeJS.Timeout;
  /** The queue's pump under way (one at a time), and whether to look again once it is done. */
  pumping?: Promise<void> | undefined;
  again?: boolean;
};

function statements(db: SqliteDatabase) {
  return {
    insert: db.prepare(
      `INSERT OR IGNORE INTO jobs (queue, id, data, state, max_attempts, backoff_ms, run_at, created_at, updated_at)
       VALUES (@queue, @id, @data, 'waiting', @attempts, @backoffMs, @runAt, @now, @now)`,
    ),
    failStalled: db.prepare(
      `UPDATE jobs SET state = 'failed', last_error = 'JobStalledError', lease_owner = NULL,
         lease_until = NULL, finished_at = @now, updated_at = @now
       WHERE queue = @queue AND state = 'active' AND lease_until <= @now AND stalls >= @maxStalls
       RETURNING id`,
    ),
    recoverStalled: db.prepare(
      `UPDATE jobs SET state = 'waiting', stalls = stalls + 1, run_at = @now, lease_owner = NULL,
         lease_until = NULL, updated_at = @now
       WHERE queue = @queue AND state = 'active' AND lease_until <= @now
       RETURNING id`,
    ),
    take: db.prepare(
      `UPDATE jobs SET state = 'active', attempt = attempt + 1, lease_owner = @token,
         lease_until = @leaseUntil, updated_at = @now
       WHERE (queue, id) = (
         SELECT queue, id FROM jobs WHERE queue = @queue AND state = 'waiting' AND run_at <= @now
         ORDER BY run_at, created_at LIMIT 1)
       RETURNING id, data, attempt, stalls, max_attempts, backoff_ms`,
    ),
    renew: db.prepare(
      `UPDATE jobs SET lease_until = @leaseUntil, updated_at = @now
       WHERE queue = @queue AND id = @id AND lease_owner = @token AND state = 'active'`,
    ),
    complete: db.prepare(
      `UPDATE jobs SET state = 'completed', lease_owner = NULL, lease_until = NULL,
         last_error = NULL, finished_at = @now, updated_at = @now
       WHERE queue = @queue AND id = @id AND lease_owner = @token AND state = 'active'`,
    ),
    fail: db.prepare(
      `UPDATE jobs SET state = 'failed', lease_owner = NULL, lease_until = NULL,
         last_error = @error, finished_at = @now, updated_at = @now
       WHERE queue = @queue AND id = @id AND lease_owner = @token AND state = 'active'`,
    ),
    retry: db.prepare(
      `UPDATE jobs SET state = 'waiting', lease_owner = NULL, lease_until = NULL,
         last_error = @error, run_at = @runAt, updated_at = @now
       WHERE queue = @queue AND id = @id AND lease_owner = @token AND state = 'active'`,
    ),
    nextDue: db.prepare(
      `SELECT MIN(run_at) AS next FROM jobs WHERE queue = @queue AND state = 'waiting'`,
    ),
    counts: db.prepare(
      `SELECT SUM(state = 'waiting' AND run_at <= @now) AS waiting,
         SUM(state = 'waiting' AND run_at > @now) AS delayed,
         SUM(state = 'active') AS active, SUM(state = 'failed') AS failed,
         SUM(state = 'completed') AS completed
       FROM jobs WHERE queue = @queue`,
    ),
    remove: db.prepare(`DELETE FROM jobs WHERE queue = @queue AND id = @id AND state != 'active'`),
    prune: db.prepare(`DELETE FROM jobs WHERE state = 'completed' AND finished_at < @before`),
  };
}

/**
 * The Jobs port on the embedded SQLite file, shared by every process that opens it: a job is taken
 * by one process at a time under a lease it keeps renewing, so a job whose process died is taken up
 * again once the lease lapses. `db` stays open: its owner closes it after close().
 */
export function createSqliteJobs(db: SqliteDatabase, options: SqliteJobsOptions = {}): Jobs {
  const {
    pollMs = DEFAULT_POLL_MS,
    leaseMs = DEFAULT_LEASE_MS,
    log = () => {},
    now = Date.now,
  } = options;
  ensureSchema(db, SCHEMA);
  const sql = statements(db);
  const workers = new Map<string, QueueWorker>();
  const leases = new Set<Running>();
  let renewTimer: NodeJS.Timeout | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  /** The lease renewal and the prune under way, if any: close() lets them finish. */
  let renewing: Promise<void> | undefined;
  let pruning: Promise<void> | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;

  /**
   * Every write is its own BEGIN IMMEDIATE transaction, and another process's write lock is waited
   * for from the event loop (inWriteTransaction), never by sleeping the thread that also serves the
   * web process's parents when it runs the workers.
   */
  const write = <T>(work: () => T) => inWriteTransaction(db, SERVICE, work);

  // The write lock is taken before reading, so two processes never take one job.
  const claim = (queue: string) => {
    const at = now();
    const ids = (rows: unknown[]) => rows.map((row) => IdRow.parse(row).id);
    const failed = ids(sql.failStalled.all({ queue, now: at, maxStalls: MAX_STALLS }));
    const stalled = ids(sql.recoverStalled.all({ queue, now: at }));
    const token = randomUUID();
    const taken: unknown = sql.take.get({ queue, now: at, token, leaseUntil: at + leaseMs });
    const job = taken === undefined ? undefined : { row: ClaimedRow.parse(taken), token };
    return { job, failed, stalled };
  };

  /** Takes the next due job of `queue`, first taking back those whose process died. */
  async function claimNext(queue: string) {
    const { job, failed, stalled } = await write(() => claim(queue));
    for (const id of failed) {
      log('jobs.attempt_failed', { queue, id, error: 'JobStalledError', retrying: false });
    }
    for (const id of stalled) log('jobs.stalled', { queue, id });
    return job;
  }

  /** Extends the lease of every job running here (one renewal at a time). */
  function renewLeases() {
    renewing ??= renewEach().finally(() => (renewing = undefined));
    return renewing;
  }

  async function renewEach() {
    try {
      const at = now();
      for (const lease of [...leases]) {
        const params = { ...lease, now: at, leaseUntil: at + leaseMs };
        const { changes } = await write(() => sql.renew.run(params));
        // A job that finished while its lease was renewed is no longer active: not a lost lease.
        if (changes === 0 && leases.delete(lease)) {
          log('jobs.lease_lost', { queue: lease.queue, id: lease.id });
        }
      }
    } catch (error) {
      log('jobs.store_error', { error: errorName(error) });
    }
  }

  function prune() {
    pruning ??= pruneOnce().finally(() => (pruning = undefined));
    return pruning;
  }

  async function pruneOnce() {
    try {
      const before = now() - KEEP_COMPLETED_MS;
      const { changes } = await write(() => sql.prune.run({ before }));
      if (changes > 0) log('jobs.pruned', { completed: changes });
    } catch (error) {
      log('jobs.store_error', { error: errorName(error) });
    }
  }

  async function settle(lease: Running, row: ClaimedRow, error: unknown) {
    const at = now();
    const permanent = error instanceof PermanentJobError;
    const failures = row.attempt - row.stalls;
    const retrying = !permanent && failures < row.max_attempts;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : errorName(error);
    const params = { ...lease, now: at, error: message.slice(0, MAX_ERROR_LENGTH) };
    const runAt = at + row.backoff_ms * 2 ** (failures - 1);
    const { changes } = await write(() =>
      retrying ? sql.retry.run({ ...params, runAt }) : sql.fail.run(params),
    );
    log('jobs.attempt_failed', {
      queue: lease.queue,
      id: lease.id,
      attempt: row.attempt,
      error: errorName(error),
      retrying,
    });
    if (changes === 0) log('jobs.lease_lost', { queue: lease.queue, id: lease.id });
  }

  async function run(worker: QueueWorker, row: ClaimedRow, token: string) {
    const lease = { queue: worker.queue, id: row.id, token };
    leases.add(lease);
    let failure: { error: unknown } | undefined;
    try {
      const data: unknown = JSON.parse(row.data);
      await worker.handler({ id: row.id, queue: worker.queue, data, attempt: row.attempt });
    } catch (error) {
      failure = { error };
    }
    leases.delete(lease);
    if (failure) {
      await settle(lease, row, failure.error);
    } else if ((await write(() => sql.complete.run({ ...lease, now: now() }))).changes === 0) {
      log('jobs.lease_lost', { queue: lease.queue, id: lease.id });
    }
  }

  /** Looks for due jobs now: at once, or once the pump under way has finished. */
  function pump(worker: QueueWorker) {
    if (worker.pumping) {
      worker.again = true;
      return;
    }
    clearTimeout(worker.timer);
    if (closed) return;
    worker.again = false;
    worker.pumping = fill(worker).finally(() => {
      worker.pumping = undefined;
      if (worker.again) pump(worker);
    });
  }

  /** Takes due jobs while the worker has room, then sets when to look again. */
  async function fill(worker: QueueWorker) {
    let wait = pollMs;
    try {
      while (!closed && worker.running.size < worker.concurrency) {
        const claimed = await claimNext(worker.queue);
        // Taken, it runs (close() waits for it) even if close() began meanwhile.
        if (!claimed) break;
        const running: Promise<void> = run(worker, claimed.row, claimed.token)
          .catch((error: unknown) => log('jobs.store_error', { error: errorName(error) }))
          .finally(() => {
            worker.running.delete(running);
            pump(worker);
          });
        worker.running.add(running);
      }
      if (worker.running.size < worker.concurrency) {
        const { next } = NextRow.parse(sql.nextDue.get({ queue: worker.queue }));
        if (next !== null) wait = Math.min(pollMs, next - now());
      }
    } catch (error) {
      log('jobs.store_error', { queue: worker.queue, error: errorName(error) });
    }
    if (!closed) {
      worker.timer = setTimeout(() => pump(worker), Math.max(wait, MIN_WAIT_MS)).unref();
    }
  }

  function assertOpen() {
    if (closing) throw new Error('Jobs is closed');
  }

  return {
    async add(queue, id, data, jobOptions) {
      checkQueueName(queue);
      checkJobId(id);
      const { delayMs, attempts, backoffMs } = resolveJobOptions(jobOptions);
      assertOpen();
      const { changes } = await write(() => {
        const at = now();
        return sql.insert.run({
          queue,
          id,
          data: JSON.stringify(data ?? null),
          attempts,
          backoffMs,
          runAt: at + delayMs,
          now: at,
        });
      });
      const worker = workers.get(queue);
      if (changes > 0 && worker) setImmediate(() => pump(worker));
    },

    process(queue, handler, processOptions = {}) {
      checkQueueName(queue);
      const concurrency = checkConcurrency(processOptions.concurrency ?? 1);
      assertOpen();
      if (workers.has(queue)) throw new Error(`Queue ${queue} is already processed here`);
      const worker: QueueWorker = { queue, handler, concurrency, running: new Set() };
      workers.set(queue, worker);
      renewTimer ??= setInterval(
        () => void renewLeases(),
        Math.max(leaseMs / 3, MIN_WAIT_MS),
      ).unref();
      if (!pruneTimer) {
        void prune();
        pruneTimer = setInterval(() => void prune(), PRUNE_EVERY_MS).unref();
      }
      setImmediate(() => pump(worker));
    },

    async remove(queue, id) {
      checkQueueName(queue);
      checkJobId(id);
      assertOpen();
      return (await write(() => sql.remove.run({ queue, id }))).changes > 0;
    },

    async counts(queue) {
      checkQueueName(queue);
      assertOpen();
      const row = CountsRow.parse(sql.counts.get({ queue, now: now() }));
      return {
        waiting: row.waiting ?? 0,
        active: row.active ?? 0,
        delayed: row.delayed ?? 0,
        failed: row.failed ?? 0,
        completed: row.completed ?? 0,
      } satisfies QueueCounts;
    },

    close() {
      closing ??= (async () => {
        closed = true;
        for (const worker of workers.values()) clearTimeout(worker.timer);
        clearInterval(pruneTimer);
        // A pump under way takes no job after this but runs the one it may be taking.
        await Promise.all([...workers.values()].map((worker) => worker.pumping));
        // Leases are renewed until the last running job has finished.
        await Promise.all([...workers.values()].flatMap((worker) => [...worker.running]));
        clearInterval(renewTimer);
        await Promise.all([renewing, pruning]);
      })();
      return closing;
    },
  };
}
