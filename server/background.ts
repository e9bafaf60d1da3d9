import type { Log } from './log.ts';
import { describeError } from './log.ts';

/** Work started by a request that outlives it (photo processing); shutdown waits for it. */
export interface Background {
  run(name: string, work: () => Promise<void>): void;
  /** Resolves once everything started so far has finished. */
  drain(): Promise<void>;
}

/**
 * In-process background work. A stand-in for the durable job queue of DESIGN "Work that happens
 * later" (BullMQ): a crash loses work in flight here, which the queue will not.
 */
export function createBackground(log: Log): Background {
  const running = new Set<Promise<void>>();
  return {
    run(name, work) {
      const job = work()
        .catch((error: unknown) => log('background.failed', { job: name, ...describeError(error) }))
        .finally(() => running.delete(job));
      running.add(job);
    },
    async drain() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
