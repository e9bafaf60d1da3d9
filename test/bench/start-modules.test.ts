import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../support/redis.ts';
import { ROOT, spawnNode, untilHealthy } from './processes.mts';

/** Writes the URL of every package file the process loads through `import` to MODULE_TRACE. */
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.includes('/node_modules/')) appendFileSync(process.env.MODULE_TRACE, url + '\\n');
  return next(url, context);
}`;
const REGISTER = `import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`;

/** The vendor SDKs and heavy modules a process loads only when configured or first used. */
const NOT_AT_START = [
  'twilio',
  'airtable',
  'gocardless-nodejs',
  '@aws-sdk',
  'openai',
  'sharp',
  'piscina',
  'file-type',
  '@modelcontextprotocol',
  '@bull-board',
  '@statelyai',
  'rate-limiter-flexible/index.js',
  'prom-client/index.js',
];
const REDIS = ['bullmq', 'ioredis', '@redis', '@keyv', 'keyv'];

const packageOf = (url: string) => {
  const [, path = ''] = url.split('/node_modules/').slice(-2);
  return path;
};

/** The package files the web process (tsx, no workers) has loaded once it answers /health. */
async function modulesAtStart(dir: string, env: Record<string, string>) {
  await mkdir(dir, { recursive: true });
  const trace = join(dir, 'modules.txt');
  const port = await freePort();
  const web = spawnNode(
    [
      '--import',
      'tsx',
      '--import',
      `data:text/javascript,${encodeURIComponent(REGISTER)}`,
      join(ROOT, 'server', 'main.ts'),
    ],
    {
      ...env,
      MODULE_TRACE: trace,
      HOST: '127.0.0.1',
      PORT: String(port),
      RUN_WORKERS: 'false',
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'silent',
    },
  );
  try {
    await untilHealthy(`http://127.0.0.1:${port}/health`, web, 30_000);
  } finally {
    await web.stop();
  }
  return (await readFile(trace, 'utf8')).split('\n').filter(Boolean).map(packageOf);
}

const loaded = (modules: string[], names: string[]) =>
  names.filter((name) =>
    modules.some((path) => (name.endsWith('.js') ? path === name : path.startsWith(`${name}/`))),
  );

describe('what a process loads at start', () => {
  let dir = '';
  let embedded: string[] = [];
  let redis: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'start-modules-'));
    [embedded, redis] = await Promise.all([
      modulesAtStart(join(dir, 'embedded'), {}),
      modulesAtStart(join(dir, 'redis'), {
        REDIS_URL: inject('redisUrl'),
        REDIS_KEY_PREFIX: `start-modules-${process.pid}.`,
      }),
    ]);
  }, 60_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads no vendor SDK, Redis client or heavy module without configuration', () => {
    expect(embedded.length).toBeGreaterThan(0);
    expect(loaded(embedded, [...NOT_AT_START, ...REDIS])).toEqual([]);
  });

  it('loads the Redis client with REDIS_URL, but not BullMQ before a job is added (the web process reads queue counts without it), Keyv, nor any unconfigured SDK', () => {
    expect(loaded(redis, ['@redis'])).toEqual(['@redis']);
    expect(loaded(redis, [...NOT_AT_START, 'bullmq', 'ioredis', 'keyv', '@keyv'])).toEqual([]);
  });
});
