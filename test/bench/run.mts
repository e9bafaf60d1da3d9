/**
 * `npm run bench`: simulated parents complete registrations over HTTP against a real Redis with the
 * offline interpreter, and the same run measures a baseline Koa route doing one Redis GET and one
 * SET. Prints turns per second and p50/p99 latency for both, and their ratio.
 * Then every parent opens the texted payment link and pays on the offline simulator's page: the
 * signed webhook events go through the job queue into each registration's payment machine, and the
 * run prints payment events processed per second (until every confirmation text is queued).
 * Then the HEIC bench (test/bench/photos.mts): the product's conversion of one 12 MP HEIC against
 * heif-convert's.
 *   PARENTS=200 CONCURRENCY=50 PHOTO_RUNS=3 npm run bench   (PHOTO_RUNS=0 skips the HEIC bench)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import Database from 'better-sqlite3';
import Koa from 'koa';
import { loadConfig } from '../../server/config.ts';
import { startServer } from '../../server/main.ts';
import { markedImage } from '../fixtures/photos/make.ts';
import { REGISTRATION_MESSAGES } from '../support/registration-script.ts';
import { benchPhotos } from './photos.mts';
import { startRedis } from '../support/redis.ts';

const PARENTS = Number(process.env.PARENTS ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 50);
/** A real photo: every upload is decoded and converted before the registration takes it. */
const JPEG = new Uint8Array(await markedImage(320, 240).jpeg().toBuffer());

/** Every message but the shirt number, which varies per parent so that numbers are not all taken. */
const MESSAGES = REGISTRATION_MESSAGES.slice(0, -1);

type Timing = { ms: number[]; seconds: number };

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function timed(run: (record: (ms: number) => void) => Promise<void>): Promise<Timing> {
  const ms: number[] = [];
  const started = performance.now();
  await run((value) => ms.push(value));
  return { ms: ms.sort((a, b) => a - b), seconds: (performance.now() - started) / 1000 };
}

/** Runs `jobs` with at most `limit` in flight. */
async function pool(jobs: number, limit: number, job: (index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, jobs) }, async () => {
      while (next < jobs) await job(next++);
    }),
  );
}

async function post(url: string, init: RequestInit, record: (ms: number) => void) {
  const started = performance.now();
  const response = await fetch(url, init);
  const body = (await response.json()) as { session_id?: string; routine_number?: number | null };
  record(performance.now() - started);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return body;
}

/** 0 → "a", 25 → "z", 26 → "ba": a middle name that tells the children apart. */
const letters = (n: number): string =>
  (n >= 26 ? letters(Math.floor(n / 26)) : '') + String.fromCharCode(97 + (n % 26));

async function registerOneChild(base: string, parent: number, record: (ms: number) => void) {
  let sessionId = `bench-parent-${parent}-${process.pid}`;
  // One registration per child and season: each parent registers a child of their own.
  const child = `leo ${letters(parent)} o’brien`;
  const messages = MESSAGES.map((text) => (text === 'leo o’brien' ? child : text));
  for (const [index, text] of [...messages, `number ${(parent % 25) + 1}`].entries()) {
    const body = await post(
      `${base}/chat`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user_message: text, session_id: sessionId }),
      },
      record,
    );
    sessionId = body.session_id ?? sessionId;
    if (index === MESSAGES.length && body.routine_number !== 34 && body.routine_number !== 33) {
      throw new Error(`parent ${parent} stopped at routine ${body.routine_number}`);
    }
  }
  const form = new FormData();
  form.set('session_id', sessionId);
  form.set('file', new Blob([JPEG], { type: 'image/jpeg' }), 'photo.jpg');
  await post(`${base}/upload`, { method: 'POST', body: form }, record);
}

async function baselineServer(redisUrl: string) {
  const client = createClient({ url: redisUrl });
  await client.connect();
  const app = new Koa();
  app.use(async (ctx) => {
    const key = `baseline:${ctx.path}`;
    const value = await client.get(key);
    await client.set(key, `${Number(value ?? 0) + 1}`);
    ctx.body = { ok: true };
  });
  const handle = app.callback();
  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.close();
      await client.quit();
    },
  };
}

/** Events the simulator's pay button sends that the payment machine acts on, per registration. */
const HANDLED_PER_PAYMENT = 4;

function outbox(dataDir: string) {
  const db = new Database(join(dataDir, 'club.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT key, body FROM sms_outbox').all() as { key: string; body: string }[];
  } finally {
    db.close();
  }
}

/** Every parent pays through the texted link; the seconds until every confirmation is queued. */
async function payEveryone(base: string, dataDir: string) {
  const tokens = outbox(dataDir).flatMap((sms) => {
    const token = /\/reg_setup\/([A-Za-z0-9_-]{32})/.exec(sms.body)?.[1];
    return token ? [token] : [];
  });
  const started = performance.now();
  await pool(tokens.length, CONCURRENCY, async (index) => {
    const link = await fetch(`${base}/reg_setup/${tokens[index]}`, { redirect: 'manual' });
    const page = new URL(link.headers.get('location') ?? '/', base);
    const paid = await fetch(page, { method: 'POST', redirect: 'manual' });
    if (paid.status !== 303) throw new Error(`The simulator answered ${paid.status}`);
  });
  const clicked = (performance.now() - started) / 1000;
  for (;;) {
    const confirmed = outbox(dataDir).filter((sms) => sms.key.endsWith('.payment-confirmation'));
    if (confirmed.length >= tokens.length) break;
    if (performance.now() - started > 300_000) throw new Error('Payments did not all confirm');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    payments: tokens.length,
    events: tokens.length * HANDLED_PER_PAYMENT,
    seconds: (performance.now() - started) / 1000,
    clicked,
  };
}

function report(name: string, timing: Timing) {
  return {
    name,
    requests: timing.ms.length,
    perSecond: timing.ms.length / timing.seconds,
    p50: percentile(timing.ms, 50),
    p99: percentile(timing.ms, 99),
  };
}

const redis = process.env.REDIS_URL
  ? { url: process.env.REDIS_URL, stop: () => {} }
  : await startRedis();
const dataDir = await mkdtemp(join(tmpdir(), 'bench-'));
const app = await startServer(
  loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: redis.url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '100000',
    // Every simulated parent comes from 127.0.0.1.
    NEW_SESSIONS_PER_HOUR: '100000',
  }),
  // The summer before the 2025-26 season the club config describes (as in the HTTP tests).
  { log: () => {}, now: () => new Date('2025-08-01T10:00:00Z') },
);
const baseline = await baselineServer(redis.url);
try {
  const turns = await timed((record) =>
    pool(PARENTS, CONCURRENCY, (parent) => registerOneChild(app.url, parent, record)),
  );
  const plain = await timed((record) =>
    pool(turns.ms.length, CONCURRENCY, async (index) => {
      await post(`${baseline.url}/k${index % PARENTS}`, { method: 'POST' }, record);
    }),
  );
  const paying = await payEveryone(app.url, dataDir);
  const ours = report('registration turns (POST /chat, /upload)', turns);
  const base = report('baseline (Koa + one Redis GET + SET)', plain);
  const line = (r: ReturnType<typeof report>) =>
    `${r.name.padEnd(44)} ${String(r.requests).padStart(6)} req  ${r.perSecond.toFixed(0).padStart(6)}/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms`;
  process.stdout.write(
    [
      `${PARENTS} parents, ${CONCURRENCY} at a time, ${cpus().length} cores, node ${process.version}, offline interpreter, real Redis`,
      line(ours),
      line(base),
      `ratio (turns / baseline): throughput ${(ours.perSecond / base.perSecond).toFixed(2)}x, p50 ${(ours.p50 / base.p50).toFixed(1)}x, p99 ${(ours.p99 / base.p99).toFixed(1)}x`,
      `payment webhooks: ${paying.payments} payments, ${paying.events} events processed in ${paying.seconds.toFixed(1)} s (pages clicked in ${paying.clicked.toFixed(1)} s): ${(paying.events / paying.seconds).toFixed(0)} events/s, ${(paying.events / paying.seconds / ours.perSecond).toFixed(2)}x the chat turns/s, ${(paying.events / paying.seconds / base.perSecond).toFixed(3)}x the baseline`,
      '',
    ].join('\n'),
  );
} finally {
  await baseline.close();
  await app.close();
  redis.stop();
  await rm(dataDir, { recursive: true, force: true });
}

if (Number(process.env.PHOTO_RUNS ?? 3) > 0) await benchPhotos();
