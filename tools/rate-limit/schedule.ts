import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Spaces calls at least `intervalMs` apart for one key: each call is given the next free slot and
 * waits for it (never refuses). At 250 ms apart, no second holds more than 5 calls, even with
 * a little network jitter. In memory for one process, or in Redis shared by every process.
 */
export interface Schedule {
  /** Resolves when this call's slot comes; rejects with the signal's reason if it aborts first. */
  wait(key: string, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** How many ms from now the slot after `lastSlot` is, and the slot itself. */
export function nextSlot(now: number, lastSlot: number, intervalMs: number) {
  const slot = Math.max(now, lastSlot + intervalMs);
  return { slot, waitMs: slot - now };
}

/** The interval, refused unless a whole number of milliseconds of at least 1. */
export function checkInterval(intervalMs: number): number {
  if (!Number.isInteger(intervalMs) || intervalMs < 1) {
    throw new RangeError(`intervalMs must be a whole number of at least 1 (got ${intervalMs})`);
  }
  return intervalMs;
}

/** Waits `ms`, ending early with the signal's reason. */
export const waitFor = (ms: number, signal?: AbortSignal) =>
  ms <= 0 && !signal?.aborted
    ? Promise.resolve()
    : sleep(ms, undefined, signal ? { signal } : {}).catch((error: unknown) => {
        throw signal?.aborted ? signal.reason : error;
      });

/** A schedule in this process only (the embedded mode: one process talks to the service). */
export function createMemorySchedule(intervalMs: number, now: () => number = Date.now): Schedule {
  checkInterval(intervalMs);
  const last = new Map<string, number>();
  return {
    async wait(key, signal) {
      signal?.throwIfAborted();
      const { slot, waitMs } = nextSlot(now(), last.get(key) ?? -Infinity, intervalMs);
      last.set(key, slot);
      await waitFor(waitMs, signal);
    },
    close: async () => {},
  };
}
