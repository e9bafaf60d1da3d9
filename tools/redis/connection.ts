import KeyvRedis from '@keyv/redis';
import { createClient } from '@redis/client';
import Keyv from 'keyv';

/** How long close() lets pending commands finish before dropping the connection. */
const CLOSE_GRACE_MS = 2_000;

/**
 * A Keyv on Redis that fails loudly: errors are thrown (never read as "no value", which would
 * silently replace a parent's session), and commands fail at once while Redis is unreachable
 * instead of queueing forever. Built from an adapter instance: a Keyv given a connection string
 * quietly uses memory.
 */
export async function connectRedisKeyv(url: string, namespace: string) {
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
  const client = await adapter.getClient();
  const close = async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), CLOSE_GRACE_MS);
    });
    const closed = await Promise.race([adapter.disconnect().then(() => 'closed' as const), late]);
    clearTimeout(timer);
    if (closed === 'late') await adapter.disconnect(true);
  };
  return { keyv, client, close };
}

/** How many times a first connection is retried before the store refuses to start. */
const FIRST_CONNECT_ATTEMPTS = 5;

/** A connected node-redis client, JSON-agnostic; see connectRedisClient. */
export type RedisClient = ReturnType<typeof createClient>;

/**
 * A plain node-redis client that fails loudly: commands are refused at once while Redis is
 * unreachable (no offline queue) and reconnects in the background; a first connection that keeps
 * failing rejects instead of retrying forever.
 */
export async function connectRedisClient(url: string) {
  let everReady = false;
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 5_000,
      reconnectStrategy: (attempts: number, cause: Error) =>
        !everReady && attempts >= FIRST_CONNECT_ATTEMPTS
          ? new Error('Redis is unreachable', { cause })
          : Math.min(2 ** attempts * 100, 2_000),
    },
  });
  client.on('error', () => {
    // Surfaced to callers by the failing command; the listener keeps the emitter from throwing.
  });
  client.on('ready', () => {
    everReady = true;
  });
  await client.connect();
  const close = async () => {
    if (!client.isOpen) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), CLOSE_GRACE_MS);
    });
    const closed = await Promise.race([client.close().then(() => 'closed' as const), late]);
    clearTimeout(timer);
    if (closed === 'late') client.destroy();
  };
  return { client, close };
}
