import { z } from 'zod';
import type { KeyValueStore } from '../kv/port.ts';

/** Where a session's latest photo upload stands, as its poller sees it. */
export const UploadStatus = z.object({
  state: z.enum(['processing', 'done', 'failed']),
  /** What to show the parent now. */
  reply: z.string(),
  agent: z.string().nullable(),
  routineNumber: z.number().nullable(),
  /** A short error code when the upload failed, else null. */
  error: z.string().nullable(),
  /** The staged upload being processed (so that an erasure can drop it and its job). */
  uploadId: z.string().optional(),
  updatedAt: z.string(),
});
export type UploadStatus = z.infer<typeof UploadStatus>;

/** The latest upload status per session, shared by every process (Redis or the SQLite file). */
export interface UploadStatusStore {
  get(sessionId: string): Promise<UploadStatus | null>;
  set(sessionId: string, status: UploadStatus): Promise<void>;
  delete(sessionId: string): Promise<void>;
}

/** How long a status is kept after its last change. */
const TTL_MS = 24 * 3600_000;

/** Upload statuses as validated values in a key-value store (its namespace is the caller's). */
export function createUploadStatusStore(kv: KeyValueStore, ttlMs = TTL_MS): UploadStatusStore {
  return {
    async get(sessionId) {
      const status = UploadStatus.safeParse(await kv.get(sessionId));
      return status.success ? status.data : null;
    },
    async set(sessionId, status) {
      await kv.set(sessionId, UploadStatus.parse(status), ttlMs);
    },
    delete: (sessionId) => kv.delete(sessionId),
  };
}
