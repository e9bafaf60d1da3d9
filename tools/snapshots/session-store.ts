import { randomUUID } from 'node:crypto';
import Keyv from 'keyv';
import { connectRedisKeyv } from '../redis/connection.ts';
import { ToolUnavailableError } from '../tool.ts';
import { z } from 'zod';

/** What is stored per session: the machine's persisted snapshot, stamped with its machine and version. */
export const Envelope = z.object({
  machine: z.string(),
  version: z.string(),
  snapshot: z.unknown(),
  savedAt: z.string(),
  /** The last few messages, for a model's context; never the whole conversation. */
  recent: z
    .array(z.object({ from: z.enum(['parent', 'assistant']), text: z.string() }))
    .default([]),
});
export type Envelope = z.infer<typeof Envelope>;

/** Chat sessions, shared by every server instance; one turn at a time per session. */
export interface SessionStore {
  load(sessionId: string): Promise<Envelope | null>;
  save(sessionId: string, envelope: Envelope): Promise<void>;
  delete(sessionId: string): Promise<void>;
  /** Runs `work` holding the session's lock; throws SessionBusyError if it stays busy too long. */
  withLock<T>(sessionId: string, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Another turn of the same session is still running. */
export class SessionBusyError extends Error {
  constructor() {
    super('The session is busy with another message');
    this.name = 'SessionBusyError';
  }
}

export type SessionStoreOptions = {
  /** How long a finished session is kept. */
  ttlMs: number;
  /** How long a request waits for a busy session before giving up. */
  waitMs: number;
  /** How long a lock lives if its holder dies mid-turn. */
  lockTtlMs: number;
};

const DEFAULTS: SessionStoreOptions = {
  ttlMs: 14 * 24 * 3600_000,
  waitMs: 4_000,
  lockTtlMs: 30_000,
};
const POLL_MS = 25;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Lock = {
  acquire(id: string, token: string, ttlMs: number): Promise<boolean>;
  release(id: string, token: string): Promise<void>;
};

/** A storage failure is the service being unavailable, never "no session" (which would start a new one). */
async function reaching<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (cause) {
    throw new ToolUnavailableError('sessions', { cause });
  }
}

function storeOn(
  keyv: Keyv,
  lock: Lock,
  options: SessionStoreOptions,
  close: () => Promise<void>,
): SessionStore {
  keyv.on('error', () => {
    // Surfaced to callers by the failing get/set; the listener keeps Keyv from throwing on emit.
  });
  return {
    async load(sessionId) {
      const stored: unknown = await reaching(() => keyv.get(sessionId));
      if (stored === undefined) return null;
      const envelope = Envelope.safeParse(stored);
      return envelope.success
        ? envelope.data
        : { machine: 'unknown', version: 'unknown', snapshot: stored, savedAt: '', recent: [] };
    },
    async save(sessionId, envelope) {
      await reaching(() => keyv.set(sessionId, envelope, options.ttlMs));
    },
    async delete(sessionId) {
      await reaching(() => keyv.delete(sessionId));
    },
    async withLock(sessionId, work) {
      const token = randomUUID();
      const deadline = Date.now() + options.waitMs;
      while (!(await reaching(() => lock.acquire(sessionId, token, options.lockTtlMs)))) {
        if (Date.now() >= deadline) throw new SessionBusyError();
        await sleep(POLL_MS);
      }
      try {
        return await work();
      } finally {
        await lock.release(sessionId, token);
      }
    },
    close,
  };
}

/** Sessions in this process only: the embedded default. */
export function createMemorySessionStore(options: Partial<SessionStoreOptions> = {}): SessionStore {
  const held = new Map<string, { token: string; until: number }>();
  const lock: Lock = {
    async acquire(id, token, ttlMs) {
      const current = held.get(id);
      if (current && current.until > Date.now()) return false;
      held.set(id, { token, until: Date.now() + ttlMs });
      return true;
    },
    async release(id, token) {
      if (held.get(id)?.token === token) held.delete(id);
    },
  };
  const keyv = new Keyv({ namespace: 'session' });
  return storeOn(keyv, lock, { ...DEFAULTS, ...options }, async () => keyv.clear());
}

const RELEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** Sessions in Redis, shared by every server instance; the lock is a Redis SET NX PX. */
export async function createRedisSessionStore(
  url: string,
  options: Partial<SessionStoreOptions> = {},
): Promise<SessionStore> {
  const { keyv, client, close } = await connectRedisKeyv(url, 'session');
  const key = (id: string) => `lock:session:${id}`;
  const lock: Lock = {
    async acquire(id, token, ttlMs) {
      const reply = await client.set(key(id), token, {
        condition: 'NX',
        expiration: { type: 'PX', value: ttlMs },
      });
      return reply === 'OK';
    },
    async release(id, token) {
      await client.eval(RELEASE, { keys: [key(id)], arguments: [token] });
    },
  };
  return storeOn(keyv, lock, { ...DEFAULTS, ...options }, close);
}
