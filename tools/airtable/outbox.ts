import { createHash } from 'node:crypto';
import { z } from 'zod';
import { PermanentJobError, type Job, type Jobs, type JobOptions } from '../jobs/port.ts';
import {
  clubFieldsOf,
  type RegistrationFields,
  type RegistrationStore,
  type ShirtRequest,
  type StoredRegistration,
} from '../registrations/registrations.ts';
import { ToolUnavailableError } from '../tool.ts';
import { AirtableRejectedError } from './errors.ts';
import { foldName, type RegistrationKey, type RegistrationRecords } from './records-port.ts';

/** The durable queue of writes to the club's table. */
export const RECORDS_QUEUE = 'records';

/**
 * Retries of one write while the club's table is unavailable: 10 runs, 15 s doubling, so the
 * last run comes about 2 hours after the first; an outage of an hour delays a record, no more.
 */
export const RECORDS_RETRY = { attempts: 10, backoffMs: 15_000 } as const;

type Log = (event: string, data?: Record<string, unknown>) => void;

/** What the records outbox joins: the local store, the club's table and the job queue. */
export type RecordsOutboxOptions = {
  /** What the flow reads back (payment prefill, sibling rule, shirt numbers, admin). */
  local: RegistrationStore;
  /** The club's table every write reaches, through the queue. */
  records: RegistrationRecords;
  jobs: Jobs;
  log?: Log;
  retry?: Pick<JobOptions, 'attempts' | 'backoffMs'>;
  /** How long a shirt number's check against the club's table may take (default 3 s). */
  shirtCheckTimeoutMs?: number;
};

const isTimeout = (error: unknown) =>
  error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');

const JobData = z.object({
  registrationId: z.string().min(1),
  /** Set on an erasure's job: the club's key of the record to delete (the local one is gone). */
  erase: z
    .object({
      season: z.string(),
      firstName: z.string(),
      lastName: z.string(),
      dateOfBirth: z.string(),
    })
    .optional(),
});

/** The id of the job that deletes an erased registration's record from the club's table. */
export const eraseJobId = (registrationId: string) => `${registrationId}.records.erase`;

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);
const contentOf = (stored: StoredRegistration | null) =>
  stored ? digest(JSON.stringify(clubFieldsOf(stored.fields))) : 'none';

/** True when a record of the club's table is this child (however the names were typed there). */
const sameChild = (record: Partial<Record<string, unknown>>, own: RegistrationFields) => {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return (
    foldName(text(record.player_first_name)) === foldName(own.player_first_name) &&
    foldName(text(record.player_last_name)) === foldName(own.player_last_name) &&
    text(record.player_dob).trim() === own.player_dob
  );
};

export type RecordsOutbox = {
  /** The local store, with every write also sent to the club's table through the queue. */
  store: RegistrationStore;
  /** The handler of RECORDS_QUEUE: writes the registration's latest local state to the table. */
  process(job: Job): Promise<void>;
  /**
   * Deletes an erased registration's record from the club's table: at once when the table
   * answers within `timeoutMs`, else by a job retried like every write. What happened, for the
   * erasure's report.
   */
  erase(
    registrationId: string,
    key: RegistrationKey,
    timeoutMs?: number,
  ): Promise<'deleted' | 'absent' | 'queued'>;
};

/**
 * The local store stays what the flow reads; every write to it is followed by a job on the
 * `records` queue that upserts the registration's latest local state into the club's table.
 * A job pushes state, not a change, so jobs may run late, twice or out of order and the table
 * still ends with what the local store holds; a parent never waits on the club's table.
 */
export function createRecordsOutbox(options: RecordsOutboxOptions): RecordsOutbox {
  const { local, records, jobs } = options;
  const log: Log = options.log ?? (() => {});
  const retry = options.retry ?? RECORDS_RETRY;
  const shirtCheckTimeoutMs = options.shirtCheckTimeoutMs ?? 3_000;

  /**
   * One job per change: its id is the registration and the digests of the state before and
   * after the write, so a retried step adds nothing new, while a value changed back gets a job.
   */
  async function enqueue(id: string, before: StoredRegistration | null, signal?: AbortSignal) {
    const after = await local.get(id, signal);
    const jobId = `${id}.records.${digest(`${contentOf(before)}>${contentOf(after)}`)}`;
    await jobs.add(RECORDS_QUEUE, jobId, { registrationId: id }, retry);
  }

  /** The number is already on the club's table for another child (e.g. given by hand). */
  async function takenOnClubTable(request: ShirtRequest, own: RegistrationFields) {
    try {
      const team = await records.listTeam(
        { season: request.season, team: request.team, ageGroup: request.ageGroup },
        AbortSignal.timeout(shirtCheckTimeoutMs),
      );
      return team.some(
        (record) =>
          record.fields.shirt_number === String(request.number) && !sameChild(record.fields, own),
      );
    } catch (error) {
      if (error instanceof ToolUnavailableError || isTimeout(error)) {
        // the local constraint still gives the number to one child only; a number typed by hand
        // into the table went unchecked, so the log says so for the club
        log('records.shirt_check_skipped', { registrationId: request.registrationId });
        return false;
      }
      throw error;
    }
  }

  const store: RegistrationStore = {
    async upsert(id, fields, signal) {
      const before = await local.get(id, signal);
      // one spelling per child in the club's table: the first one stored (the key merges on it)
      const kept = before
        ? {
            ...fields,
            player_first_name: before.fields.player_first_name,
            player_last_name: before.fields.player_last_name,
          }
        : fields;
      await local.upsert(id, kept, signal);
      await enqueue(id, before, signal);
    },
    async update(id, fields, signal) {
      const before = await local.get(id, signal);
      await local.update(id, fields, signal);
      await enqueue(id, before, signal);
    },
    get: (id, signal) => local.get(id, signal),
    list: (signal) => local.list(signal),
    find: (query, signal) => local.find(query, signal),
    // An erasure also deletes the club's copy: see erase() below.
    delete: (id, signal) => local.delete(id, signal),
    async reserveShirtNumber(request, signal) {
      const before = await local.get(request.registrationId, signal);
      if (before && (await takenOnClubTable(request, before.fields))) return 'taken';
      const outcome = await local.reserveShirtNumber(request, signal);
      if (outcome === 'reserved') await enqueue(request.registrationId, before, signal);
      return outcome;
    },
  };

  return {
    store,
    async erase(registrationId, key, timeoutMs = 5_000) {
      try {
        const deleted = await records.delete(key, AbortSignal.timeout(timeoutMs));
        log('records.erased', { registrationId, deleted });
        return deleted ? 'deleted' : 'absent';
      } catch (error) {
        if (!(error instanceof ToolUnavailableError || isTimeout(error))) throw error;
        await jobs.add(
          RECORDS_QUEUE,
          eraseJobId(registrationId),
          { registrationId, erase: key },
          retry,
        );
        log('records.erase_queued', { registrationId });
        return 'queued';
      }
    },
    async process(job) {
      const { registrationId, erase } = JobData.parse(job.data);
      if (erase) {
        const deleted = await records.delete(erase);
        log('records.erased', { registrationId, deleted, attempt: job.attempt });
        return;
      }
      const stored = await local.get(registrationId);
      if (!stored) {
        log('records.missing', { registrationId });
        return;
      }
      try {
        const { created } = await records.upsert(clubFieldsOf(stored.fields));
        log('records.written', { registrationId, created, attempt: job.attempt });
      } catch (error) {
        if (error instanceof AirtableRejectedError) {
          log('records.rejected', {
            registrationId,
            type: error.type,
            statusCode: error.statusCode,
          });
          throw new PermanentJobError(`The club's table refused the record: ${error.type}`, {
            cause: error,
          });
        }
        throw error;
      }
    },
  };
}
