import { createClient } from '@redis/client';

/** How long close() lets pending commands finish before dropping the connection. */
const CLOSE_GRACE_MS = 2_000;

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
