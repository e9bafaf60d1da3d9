import type { Jobs } from '../tools/jobs/port.ts';
import type { RegistrationStore } from '../tools/registrations/registrations.ts';
import type { Erasure } from './erasure.ts';
import type { Log } from './log.ts';

/** The queue of the retention sweep: one delayed job at a time, each adding the next. */
export const RETENTION_QUEUE = 'retention';
/** How often unfinished registrations past their retention are looked for. */
export const RETENTION_EVERY_MS = 3600_000;

export type RetentionDeps = {
  jobs: Jobs;
  registrations: RegistrationStore;
  erasure: Erasure;
  /** How long an unfinished (unpaid) registration is kept after it was first saved. */
  unfinishedRetentionMs: number;
  log: Log;
  now: () => Date;
};

/** The sweep's job id for the period starting at `at`: every process adds the same one. */
const jobIdAt = (at: number) => `retention.${Math.floor(at / RETENTION_EVERY_MS)}`;

/** Purges unfinished registrations past UNFINISHED_RETENTION_DAYS, on the job queue. */
export function createRetention(deps: RetentionDeps) {
  const { jobs, registrations, erasure, log } = deps;

  /** Adds the next sweep (a no-op when another process already did). */
  async function scheduleNext(from = Date.now()) {
    const next = (Math.floor(from / RETENTION_EVERY_MS) + 1) * RETENTION_EVERY_MS;
    await jobs.add(RETENTION_QUEUE, jobIdAt(next), {}, { delayMs: next - Date.now() });
  }

  /** Erases every registration not paid for within the retention; returns how many. */
  async function sweep(now = deps.now()) {
    const before = now.getTime() - deps.unfinishedRetentionMs;
    let purged = 0;
    for (const { id, fields } of await registrations.list()) {
      const unfinished = fields.registration_status !== 'active';
      if (unfinished && Date.parse(fields.initial_db_write_timestamp) < before) {
        await erasure.erase(id);
        purged += 1;
      }
    }
    log('retention.swept', { purged });
    return purged;
  }

  return {
    sweep,
    /** The job handler: sweep, then add the next sweep. */
    async run() {
      await sweep();
      await scheduleNext();
    },
    /** Adds the first sweep when the workers start. */
    start: () => jobs.add(RETENTION_QUEUE, jobIdAt(Date.now()), {}, { delayMs: 0 }),
  };
}
