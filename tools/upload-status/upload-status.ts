import Keyv from 'keyv';
import { connectRedisKeyv } from '../redis/connection.ts';
import { z } from 'zod';

/** Where a session's latest photo upload stands, as its poller sees it. */
export const UploadStatus = z.object({
  state: z.enum(['processing', 'done', 'failed']),
  /** What to show the parent now. */
  reply: z.string(),
  agent: z.string().nullable(),
  routineNumber: z.number().nullable(),
  /** A short error code when the upload failed, else null. */
  error: z.string().nullable(),
  updatedAt: z.string(),
});
export type UploadStatus = z.infer<typeof UploadStatus>;

/** The latest upload status per session, shared by every server instance. */
export interface UploadStatusStore {
  get(sessionId: string): Promise<UploadStatus | null>;
  set(sessionId: string, status: UploadStatus): Promise<void>;
  delete(sessionId: string): Promise<void>;
  close(): Promise<void>;
}

export type UploadStatusOptions = {
  /** How long a status is kept after its last change. */
  ttlMs: number;
  /** Key prefix, so that tests or several products can share one Redis. */
  namespace: string;
};

const DEFAULTS: UploadStatusOptions = { ttlMs: 24 * 3600_000, namespace: 'upload-status' };

function storeOn(keyv: Keyv, ttlMs: number, close: () => Promise<void>): UploadStatusStore {
  keyv.on('error', () => {
    // Surfaced to callers by the failing get/set; the listener keeps Keyv from throwing on emit.
  });
  return {
    async get(sessionId) {
      const stored: unknown = await keyv.get(sessionId);
      const status = UploadStatus.safeParse(stored);
      return status.success ? status.data : null;
    },
    async set(sessionId, status) {
      await keyv.set(sessionId, UploadStatus.parse(status), ttlMs);
    },
    async delete(sessionId) {
      await keyv.delete(sessionId);
    },
    close,
  };
}

/** Upload statuses in this process only: the embedded default. */
export function createMemoryUploadStatusStore(
  options: Partial<UploadStatusOptions> = {},
): UploadStatusStore {
  const { ttlMs, namespace } = { ...DEFAULTS, ...options };
  const keyv = new Keyv({ namespace });
  return storeOn(keyv, ttlMs, async () => keyv.clear());
}

/**
 * Upload statuses in Redis, so that any instance can answer a poll. Commands fail at once while
 * Redis is unreachable (no offline queue) and errors are thrown, never read as "no status".
 */
export async function createRedisUploadStatusStore(
  url: string,
  options: Partial<UploadStatusOptions> = {},
): Promise<UploadStatusStore> {
  const { ttlMs, namespace } = { ...DEFAULTS, ...options };
  const { keyv, close } = await connectRedisKeyv(url, namespace);
  return storeOn(keyv, ttlMs, close);
}
