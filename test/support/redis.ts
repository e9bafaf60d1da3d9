import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** A real, throw-away redis-server on loopback, with no persistence. */
export async function startRedis(): Promise<{ url: string; pid: number; stop: () => void }> {
  const port = await freePort();
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('redis-server did not start within 10 s')),
      10_000,
    );
    redis.once('error', (error) => {
      clearTimeout(timer);
      reject(
        new Error(
          `redis-server could not be started (apt-get install redis-server): ${error.message}`,
        ),
      );
    });
    redis.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    // Its own process id, for a test that freezes it (SIGSTOP) and lets it go (SIGCONT).
    pid: redis.pid ?? 0,
    stop: () => {
      redis.kill('SIGCONT');
      redis.kill('SIGTERM');
    },
  };
}
