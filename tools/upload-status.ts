import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
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

/** How long close() lets pending commands finish before dropping the connection. */
const CLOSE_GRACE_MS = 2_000;

/**
 * Upload statuses in Redis, so that any instance can answer a poll. Commands fail at once while
 * Redis is unreachable (no offline queue) and errors are thrown, never read as "no status".
 */
export async function createRedisUploadStatusStore(
  url: string,
  options: Partial<UploadStatusOptions> = {},
): Promise<UploadStatusStore> {
  const { ttlMs, namespace } = { ...DEFAULTS, ...options };
  const adapter = new KeyvRedis(
    {
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 5_000,
        reconnectStrategy: (attempts: number) => Math.min(2 ** attempts * 100, 2_000),
      },
    },
    { namespace, throwOnErrors: true },
  );
  const keyv = new Keyv({ store: adapter, namespace, useKeyPrefix: false, throwOnErrors: true });
  await adapter.getClient();
  return storeOn(keyv, ttlMs, async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), CLOSE_GRACE_MS);
    });
    const closed = await Promise.race([adapter.disconnect().then(() => 'closed' as const), late]);
    clearTimeout(timer);
    if (closed === 'late') await adapter.disconnect(true);
  });
}
