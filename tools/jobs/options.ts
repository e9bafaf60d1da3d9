import type { JobOptions } from './port.ts';

/** Shared by both adapters so that a name one accepts is never refused by the other. */
const NAME = /^[A-Za-z0-9_.-]{1,200}$/;
const DIGITS_ONLY = /^[0-9]+$/;

export const DEFAULT_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_MS = 1_000;
/** Completed jobs are remembered this long (their ids stay taken), then forgotten. */
export const KEEP_COMPLETED_MS = 7 * 24 * 60 * 60 * 1_000;
/** How many times a job interrupted by a dead worker is taken up again before it is failed. */
export const MAX_STALLS = 2;

/** A queue name or job id the port refuses (BullMQ gives ':' and all-digit ids a meaning of its own). */
export class InvalidJobNameError extends Error {
  constructor(what: 'queue name' | 'job id', value: string) {
    super(
      `Invalid ${what} ${JSON.stringify(value.slice(0, 80))}: use 1 to 200 letters, digits, '-', '_' or '.'` +
        (what === 'job id' ? ', not digits only' : ''),
    );
    this.name = 'InvalidJobNameError';
  }
}

export function checkQueueName(queue: string): void {
  if (!NAME.test(queue)) throw new InvalidJobNameError('queue name', queue);
}

export function checkJobId(id: string): void {
  if (!NAME.test(id) || DIGITS_ONLY.test(id)) throw new InvalidJobNameError('job id', id);
}

export type ResolvedJobOptions = { delayMs: number; attempts: number; backoffMs: number };

/** The options with their defaults, refusing what makes no sense (fractions, negatives). */
export function resolveJobOptions(options: JobOptions = {}): ResolvedJobOptions {
  const { delayMs = 0, attempts = DEFAULT_ATTEMPTS, backoffMs = DEFAULT_BACKOFF_MS } = options;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new RangeError(`attempts must be a whole number of at least 1 (got ${attempts})`);
  }
  for (const [name, value] of [
    ['delayMs', delayMs],
    ['backoffMs', backoffMs],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`${name} must be a number of milliseconds, 0 or more (got ${value})`);
    }
  }
  return { delayMs: Math.round(delayMs), attempts, backoffMs: Math.round(backoffMs) };
}

export function checkConcurrency(concurrency: number): number {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a whole number of at least 1 (got ${concurrency})`);
  }
  return concurrency;
}

/** What a log line may say about an error: its name, never its message (it may hold personal data). */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

export type JobsLog = (event: string, data?: Record<string, unknown>) => void;
