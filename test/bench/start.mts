/**
 * `npm run bench:start`: cold start of the product's web process to its first 200 on /health, and
 * its resident memory once idle, for the compiled build (`npm run build`, dist/) and for tsx
 * (`npm start`), alternated, START_RUNS times each (default 3), medians. As production runs it:
 * Redis (a redis-server started here, no persistence), RUN_WORKERS=false, LOG_LEVEL=info, and the
 * compiled build with the node flags of `npm run start:prod`.
 * Resident memory is read twice: IDLE_MS after the first 200 (V8 still holds the young generation
 * it grew to while starting) and SETTLED_MS after it, once V8's memory reducer has handed the spare
 * heap back (it does so by itself after some seconds without allocation).
 *   START_RUNS=3 IDLE_MS=3000 SETTLED_MS=20000 npm run bench:start
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRedis } from '../support/redis.ts';
import {
  entryArgs,
  productRuntime,
  ROOT,
  rssBytes,
  spawnNode,
  untilHealthy,
  type Runtime,
} from './processes.mts';
import { median } from './figures.mts';

const RUNS = Number(process.env.START_RUNS ?? 3);
const IDLE_MS = Number(process.env.IDLE_MS ?? 3_000);
const SETTLED_MS = Math.max(IDLE_MS, Number(process.env.SETTLED_MS ?? 20_000));

type Start = Awaited<ReturnType<typeof coldStart>>;

/** One cold start: spawn → first /health 200 (ms), then the idle process's RSS (MB) twice. */
export async function coldStart(
  runtime: Runtime,
  env: Record<string, string>,
  settledMs = SETTLED_MS,
) {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-start-'));
  const started = performance.now();
  const web = spawnNode(entryArgs(runtime, 'main'), {
    ...env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
  });
  try {
    await untilHealthy(`http://127.0.0.1:${port}/health`, web, 60_000);
    const ms = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const rssMb = rssBytes(web.pid) / 2 ** 20;
    await new Promise((resolve) => setTimeout(resolve, settledMs - IDLE_MS));
    return { ms, rssMb, settledRssMb: rssBytes(web.pid) / 2 ** 20 };
  } finally {
    await web.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const built = productRuntime();
  if (built.kind !== 'dist') throw new Error('No dist/: run npm run build first');
  const tsx: Runtime = { kind: 'tsx', dir: ROOT };
  const redis = await startRedis();
  const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'bench-start.', RUN_WORKERS: 'false' };
  const results = {
    dist: [] as Start[],
    tsx: [] as Start[],
  };
  try {
    for (let i = 0; i < RUNS; i += 1) {
      results.dist.push(await coldStart(built, env));
      results.tsx.push(await coldStart(tsx, env));
    }
  } finally {
    redis.stop();
  }
  const figure = (runs: Start[], key: keyof Start, width: number) =>
    `${median(runs.map((r) => r[key]))
      .toFixed(0)
      .padStart(width)} (${runs.map((r) => r[key].toFixed(0)).join(', ')})`;
  const line = (name: string, runs: Start[]) =>
    `${name.padEnd(36)} first /health 200 after ${figure(runs, 'ms', 5)} ms, RSS ${IDLE_MS / 1000} s after it ${figure(runs, 'rssMb', 4)} MB, ${SETTLED_MS / 1000} s after it ${figure(runs, 'settledRssMb', 4)} MB`;
  process.stdout.write(
    [
      `npm run bench:start: web process (RUN_WORKERS=false, Redis, LOG_LEVEL=info), ${RUNS} cold starts each, alternated, resident memory idle ${IDLE_MS / 1000} s and ${SETTLED_MS / 1000} s after the first 200 (medians, then each run); node ${process.version}`,
      line('compiled build (npm run start:prod)', results.dist),
      line('tsx (npm start)', results.tsx),
      '',
    ].join('\n'),
  );
}
