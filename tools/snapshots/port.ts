import { z } from 'zod';
import { rememberedPer } from '../remembered.ts';

/** Which persisted machine instance: the machine's id and the instance's own id (a session id, a registration id). */
export type InstanceKey = { machine: string; id: string };

/** One persisted machine instance as stored: its snapshot stamped with machine, version and revision. */
export const StoredInstance = z.object({
  machine: z.string(),
  version: z.string(),
  /** Bumped by every save; a save that did not start from the stored revision is refused. */
  revision: z.number().int().nonnegative(),
  /**
   * A random tag of this very save, where the store keeps one: the same revision and tag are the
   * same save even across a delete and a new instance under the same id (whose revisions restart).
   */
  etag: z.string().optional(),
  snapshot: z.unknown(),
  savedAt: z.string(),
  /** What the instance's owner keeps beside the snapshot (a chat's last few messages). */
  extra: z.record(z.string(), z.unknown()).default({}),
});
export type StoredInstance = z.infer<typeof StoredInstance>;

/** What a turn saves: everything but the revision (and tag), which the store assigns. */
export type InstanceRecord = Omit<StoredInstance, 'revision' | 'machine' | 'etag'>;

/** A record's JSON, made once per record (the runner measures it, a store saves the same text). */
export const recordJson = rememberedPer((record: InstanceRecord): string => JSON.stringify(record));

/**
 * A stored instance as text: the revision and the tag first (save scripts read them from the
 * start), then the record, then the machine. The same as JSON.stringify of those fields in order.
 */
export function storedJson(
  stamp: { revision: number; etag: string },
  machine: string,
  record: InstanceRecord,
): string {
  const fields = recordJson(record).slice(1, -1);
  return `{"revision":${stamp.revision},"etag":${JSON.stringify(stamp.etag)},${fields}${fields ? ',' : ''}"machine":${JSON.stringify(machine)}}`;
}

/**
 * The stored instance a save leaves: `record` stamped with its revision (and tag) and machine.
 * Written out field by field, not as `{ ...record, revision, machine }`: in Node 20's V8 an object
 * that starts as a spread and then gains keys gets a hidden class of its own every time, and every
 * later read of it (the next turn reads this one) misses V8's inline caches.
 */
export function savedInstance(
  record: InstanceRecord,
  machine: string,
  revision: number,
  etag?: string,
): StoredInstance {
  return {
    machine,
    version: record.version,
    revision,
    ...(etag === undefined ? {} : { etag }),
    snapshot: record.snapshot,
    savedAt: record.savedAt,
    extra: record.extra,
  };
}

/** An instance whose lock this turn holds, loaded as it stood when the lock was taken. */
export interface HeldInstance {
  readonly stored: StoredInstance | null;
  /**
   * Saves `record` as the next revision and releases the lock, in one step where the store can.
   * Throws RevisionConflictError (and saves nothing) when the stored revision moved meanwhile,
   * e.g. because this turn outlived its lock. With `notAfter` (epoch ms), a save the store would
   * apply later than that is refused with CommitTooLateError and saves nothing: a turn whose
   * caller gave up is never applied afterwards (e.g. once a frozen Redis resumes).
   */
  commit(record: InstanceRecord, ttlMs: number, options?: CommitOptions): Promise<StoredInstance>;
  /** Releases the lock without saving; harmless after commit. */
  release(): Promise<void>;
}

export type CommitOptions = {
  notAfter?: number | undefined;
  /** Entries added to the instance's journal by this save, and only if it is applied. */
  journal?: JournalAppend | undefined;
};

/**
 * Entries (JSON values, oldest first) appended to an instance's journal with a save: a list kept
 * beside the instance that grows by what each turn adds instead of being saved whole every turn
 * (a chat's messages). Past `keepBytes` (bytes of the entries' JSON) the oldest are dropped.
 */
export type JournalAppend = { add: readonly unknown[]; keepBytes: number };

/** Persisted machine instances, shared by every process; one turn at a time per instance. */
export interface SnapshotStore {
  /**
   * Takes the instance's lock, waiting a little if it is busy (InstanceBusyError), and loads it.
   * Given `known` (an instance this process saved, with its tag), a store that tags its saves
   * answers with that very object when it is still the stored save, without sending it again.
   */
  acquire(key: InstanceKey, options?: { known?: StoredInstance }): Promise<HeldInstance>;
  /** The instance as stored, without taking its lock (for a read-only look). */
  load(key: InstanceKey): Promise<StoredInstance | null>;
  /**
   * The instance's journal, oldest first (see JournalAppend): what its applied saves added, the
   * latest within their byte bound (only the `last` few when given). It lives and expires with the
   * instance; none without one.
   */
  journal(key: InstanceKey, options?: { last?: number }): Promise<unknown[]>;
  /** Deletes the instance and its journal. */
  delete(key: InstanceKey): Promise<void>;
  close(): Promise<void>;
}

export type SnapshotStoreOptions = {
  /** How long a request waits for a busy instance before giving up. */
  waitMs: number;
  /** How long a lock lives if its holder dies mid-turn. */
  lockTtlMs: number;
};

export const SNAPSHOT_STORE_DEFAULTS: SnapshotStoreOptions = { waitMs: 4_000, lockTtlMs: 30_000 };

/** Another turn of the same instance is still running. */
export class InstanceBusyError extends Error {
  constructor() {
    super('The session is busy with another message');
    this.name = 'InstanceBusyError';
  }
}

/** A save whose starting revision is no longer the stored one: a newer turn already saved. */
export class RevisionConflictError extends Error {
  readonly key: InstanceKey;
  constructor(key: InstanceKey, expected: number, found: number | null) {
    super(`${key.machine} instance moved from revision ${expected} to ${found ?? 'none'}`);
    this.name = 'RevisionConflictError';
    this.key = key;
  }
}

/** A save that would have been applied after its deadline: nothing was saved. */
export class CommitTooLateError extends Error {
  readonly key: InstanceKey;
  constructor(key: InstanceKey) {
    super(`A ${key.machine} save came after its deadline and was not applied`);
    this.name = 'CommitTooLateError';
    this.key = key;
  }
}
