import KeyvRedis from '@keyv/redis';
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
