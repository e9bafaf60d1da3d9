/** One run of a job, as its handler sees it. */
export type Job<Data = unknown> = {
  /** Unique per piece of work: adding the same id again while the job is known adds nothing. */
  id: string;
  queue: string;
  data: Data;
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
};

export type JobOptions = {
  /** Runs no earlier than this long from now. */
  delayMs?: number;
  /** Runs at most this many times in all before it is kept as failed (default 5). */
  attempts?: number;
  /** The first retry waits this long, each later one twice as long as the one before (default 1 s). */
  backoffMs?: number;
};

export type JobHandler<Data = unknown> = (job: Job<Data>) => Promise<void>;

export type QueueCounts = {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
};

/** Thrown by a handler to fail a job at once, without the retries left (a bug, a refusal). */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/**
 * Durable work that must not block a parent or must happen later: retried with backoff, delayed,
 * de-duplicated by job id, surviving a restart (BullMQ on Redis, or a queue in the SQLite file).
 * Job ids and queue names are letters, digits, '-', '_' and '.' (BullMQ forbids ':').
 */
export interface Jobs {
  add(queue: string, id: string, data: unknown, options?: JobOptions): Promise<void>;
  /** Processes `queue` in this process until close(); a job interrupted by a crash runs again. */
  process(queue: string, handler: JobHandler, options?: { concurrency?: number }): void;
  counts(queue: string): Promise<QueueCounts>;
  /** Removes a job that is not running (waiting, delayed, done or failed); whether one was removed. */
  remove(queue: string, id: string): Promise<boolean>;
  /** Stops taking jobs, lets the running ones finish, and closes connections. */
  close(): Promise<void>;
}
