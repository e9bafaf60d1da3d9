/**
 * What one chat turn costs the server: the product runs in its own process (as in production, at
 * LOG_LEVEL=info, its log written to /dev/null) on a private redis-server, and this process plays
 * the parents. Prints the server's CPU per turn (process.cpuUsage in the server), its RSS, and the
 * Redis commands per turn (INFO commandstats), as the median of ROUNDS rounds of TURNS turns.
 *   TURNS=2000 ROUNDS=3 MODE=registration npx tsx test/bench/turn-cost.mts
 * MODE=registration: parents go through the registration script (effects included);
 * MODE=plain: every turn is a side question on an existing session (no effect, no new session).
 * PROFILE=<dir>: the server's CPU profile (.cpuprofile) is written there.
 * HEAP=1: a full garbage collection before each reading (heapMb: what is left), CPU included.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@redis/client';
import { REGISTRATION_MESSAGES } from '../support/registration-script.ts';
import { startRedis } from '../support/redis.ts';
import { median, letters } from './figures.mts';

const TURNS = Number(process.env.TURNS ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const MODE = process.env.MODE === 'plain' ? 'plain' : 'registration';

type Usage = { cpuMicros: number; rss: number; heapUsed: number };

/** The server side: the product on REDIS_URL, answering `usage` messages with its CPU and RSS. */
async function serve() {
  const { loadConfig } = await import('../../server/config.ts');
  const { startServer } = await import('../../server/main.ts');
  const running = await startServer(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      REDIS_URL: process.env.REDIS_URL ?? '',
      DATA_DIR: process.env.DATA_DIR ?? '',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      RATE_LIMIT_PER_MINUTE: '100000',
      NEW_SESSIONS_PER_HOUR: '100000',
      MAX_NEW_SESSIONS_PER_HOUR: '1000000',
      RUN_WORKERS: 'false',
    }),
    { now: () => new Date('2025-08-01T10:00:00Z') },
  );
  process.on('message', (message) => {
    if (message === 'usage') {
      const { user, system } = process.cpuUsage();
      // With --expose-gc (PROFILE or HEAP set), the heap a full collection leaves.
      (globalThis as { gc?: () => void }).gc?.();
      const { rss, heapUsed } = process.memoryUsage();
      process.send?.({ cpuMicros: user + system, rss, heapUsed });
    } else if (message === 'stop') {
      void running.close().then(() => process.exit(0));
    }
  });
  process.send?.({ url: running.url });
}

function ask<T>(child: ChildProcess, message: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as T));
    child.send(message);
  });
}

async function post(base: string, text: string, sessionId: string) {
  const response = await fetch(`${base}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user_message: text, session_id: sessionId }),
  });
  const body = (await response.json()) as { routine_number?: number | null };
  if (!response.ok) throw new Error(`/chat answered ${response.status}`);
  return body;
}

/** The turns of one round, in the order a parent would send them, spread over parents. */
function script(round: number, turns: number): { sessionId: string; text: string }[][] {
  const parents: { sessionId: string; text: string }[][] = [];
  let count = 0;
  for (let parent = 0; count < turns; parent += 1) {
    const sessionId = `session-${randomUUID()}`;
    const messages =
      MODE === 'plain'
        ? ['hi', ...Array.from({ length: 19 }, () => 'how much does it cost?')]
        : REGISTRATION_MESSAGES.map((text) =>
            text === 'leo o’brien'
              ? `leo ${letters(round * 1000 + parent)} o’brien`
              : text === 'number 7'
                ? `number ${(parent % 25) + 1}`
                : text,
          );
    const mine = messages.slice(0, turns - count).map((text) => ({ sessionId, text }));
    count += mine.length;
    parents.push(mine);
  }
  return parents;
}

/** Every parent's messages in order, CONCURRENCY parents at a time. */
async function drive(base: string, parents: { sessionId: string; text: string }[][]) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < parents.length) {
        for (const { sessionId, text } of parents[next++] ?? []) await post(base, text, sessionId);
      }
    }),
  );
}

/** Redis's own CPU so far (user + system), in milliseconds. */
async function redisCpuMs(redis: { info(section: string): Promise<string> }) {
  const info = await redis.info('cpu');
  const seconds = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1000;
}

async function commandStats(redis: { info(section: string): Promise<string> }) {
  const info = await redis.info('commandstats');
  const calls: Record<string, number> = {};
  for (const match of info.matchAll(/cmdstat_([a-z|]+):calls=(\d+)/g)) {
    calls[match[1] ?? ''] = Number(match[2]);
  }
  return calls;
}

async function measure() {
  const redis = await startRedis();
  const dataDir = await mkdtemp(join(tmpdir(), 'turn-cost-'));
  const child = fork(fileURLToPath(import.meta.url), ['serve'], {
    execArgv: [
      '--import',
      'tsx',
      // PROFILE=dir writes the server's CPU profile there when it stops.
      ...(process.env.PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE}`] : []),
      ...(process.env.HEAP ? ['--expose-gc'] : []),
    ],
    env: { ...process.env, REDIS_URL: redis.url, DATA_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const client = createClient({ url: redis.url });
  try {
    await client.connect();
    const { url } = await new Promise<{ url: string }>((resolve, reject) => {
      child.once('message', (message) => resolve(message as { url: string }));
      child.once('exit', (code) => reject(new Error(`The server exited (${code})`)));
    });
    // Warm up: JIT, connections, the first sessions.
    await drive(url, script(0, TURNS));
    const rounds: {
      cpuPerTurnMs: number;
      redisCpuPerTurnMs: number;
      rssMb: number;
      heapMb: number;
      commands: Record<string, number>;
    }[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      const parents = script(round, TURNS);
      if (MODE === 'plain')
        await drive(
          url,
          parents.map((turns) => turns.slice(0, 1)),
        );
      const measured = MODE === 'plain' ? parents.map((turns) => turns.slice(1)) : parents;
      const turns = measured.reduce((sum, turns) => sum + turns.length, 0);
      const statsBefore = await commandStats(client);
      const redisBefore = await redisCpuMs(client);
      const before = await ask<Usage>(child, 'usage');
      await drive(url, measured);
      const after = await ask<Usage>(child, 'usage');
      const redisAfter = await redisCpuMs(client);
      const statsAfter = await commandStats(client);
      const commands: Record<string, number> = {};
      for (const [name, calls] of Object.entries(statsAfter)) {
        const delta = (calls - (statsBefore[name] ?? 0)) / turns;
        if (delta > 0.001 && name !== 'info') commands[name] = Number(delta.toFixed(2));
      }
      rounds.push({
        cpuPerTurnMs: (after.cpuMicros - before.cpuMicros) / 1000 / turns,
        redisCpuPerTurnMs: (redisAfter - redisBefore) / turns,
        rssMb: Math.round(after.rss / 2 ** 20),
        heapMb: Math.round(after.heapUsed / 2 ** 20),
        commands,
      });
    }
    process.stdout.write(
      `${JSON.stringify(
        {
          mode: MODE,
          turnsPerRound: TURNS,
          rounds: rounds.map((r) => ({
            ...r,
            cpuPerTurnMs: Number(r.cpuPerTurnMs.toFixed(3)),
            redisCpuPerTurnMs: Number(r.redisCpuPerTurnMs.toFixed(3)),
          })),
          medianCpuPerTurnMs: Number(median(rounds.map((r) => r.cpuPerTurnMs)).toFixed(3)),
          minCpuPerTurnMs: Number(Math.min(...rounds.map((r) => r.cpuPerTurnMs)).toFixed(3)),
          medianRedisCpuPerTurnMs: Number(
            median(rounds.map((r) => r.redisCpuPerTurnMs)).toFixed(3),
          ),
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
    await client.quit();
    redis.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'serve') await serve();
else await measure();
