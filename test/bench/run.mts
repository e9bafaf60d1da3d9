/**
 * `npm run bench`: the product as production runs it against a minimal stateful baseline, each in
 * its own process, the load in a third.
 *
 * - The product: its web process (RUN_WORKERS=false) and a worker process beside it, on a
 *   redis-server the bench starts on a free port with no persistence, the compiled build when
 *   dist/ exists (`npm run build`) with the node flags of `start:prod` and `worker:prod`, else
 *   tsx; which one is printed.
 * - The baseline (test/bench/baseline.mts): Koa answering the same POST /chat with one Redis GET
 *   and one SET of a session as large as the product's.
 * - The load (test/bench/load.mts, forked): PARENTS simulated parents, CONCURRENCY at a time, each
 *   typing the whole scripted registration. Warm-up rounds each first, not counted, until the
 *   server has settled (figures.mts `settled`): two rounds in a row in which its threads besides
 *   the main one took at most a tenth of the main thread's CPU, BENCH_WARMUP rounds at least and
 *   BENCH_WARMUP_MAX at most (the output says how many, and whether it settled). A fresh web
 *   process goes on compiling its hot code on V8's background threads for a long while: most of
 *   a turn's code runs once per registration, and V8 optimises a function only after it has run
 *   enough of its bytecode. At V8's default interrupt budget 80 of the 95 functions compiled in
 *   rounds 8–13 were compiled for the first time; with start:prod's quarter budget the product
 *   settled after 14 and 16 rounds in two runs (its other threads at 0.05–0.28 ms per turn
 *   before, 0.01–0.03 after, against the main thread's 0.3), the baseline after 5. A server's
 *   cost is what it costs once warm: a club's server runs for weeks. Then rounds alternate
 *   product, baseline, product, … and the medians of BENCH_ROUNDS rounds are reported (a round is
 *   under a second, and single rounds of the product vary by ±20%): server CPU per turn (read
 *   from /proc of the server process, every thread; and of it the main thread's, the rest being
 *   V8's compiles and GC on its background threads), throughput, p50/p99 latency, resident
 *   memory, each as product ÷ baseline.
 * - The payment step (routine 29 → 30: the registration is written, the sibling rule read, the
 *   payment link made and texted) timed alone, one parent at a time, with 0, 1,000 and 10,000
 *   registrations (and two texts each) seeded into the SQLite file the product keeps them in.
 *   STEP_PARENTS parents per size: a step takes about 5 ms, and the median of 15 put 10,000 ÷ 0
 *   anywhere from 0.92 to 1.48 over six runs of the same build; of 30, from 0.77 to 1.01 over five.
 * - GoCardless webhooks: the simulator's events for WEBHOOK_PAYMENTS paid registrations, signed
 *   as GoCardless signs them, posted to /webhooks/gocardless; events per second until every
 *   confirmation text is queued.
 * - HEIC photo conversion (test/bench/photos.mts), PHOTO_RUNS times (0 skips it).
 *
 *   BENCH_WARMUP=3 BENCH_WARMUP_MAX=30 BENCH_ROUNDS=9 PARENTS=60 CONCURRENCY=50 STEP_PARENTS=30 \
 *   BENCH_SIZES=0,1000,10000 WEBHOOK_PAYMENTS=100 PHOTO_RUNS=1 BENCH_LOG_LEVEL=info \
 *   BENCH_RUNTIME=tsx npm run bench
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@redis/client';
import { HANDLED_EVENTS, signGoCardlessWebhook } from '../../tools/payments/gocardless-webhooks.ts';
import { createSqliteSimulatedPayments } from '../../tools/payments/simulator-sqlite.ts';
import { createSqliteRegistrationStore } from '../../tools/registrations/sqlite.ts';
import { inWriteTransaction, openDatabase } from '../../tools/sqlite/database.ts';
import { registrationFixture } from '../tools/registration-fixture.ts';
import { freePort, startRedis } from '../support/redis.ts';
import { REGISTRATION } from '../support/registration-script.ts';
import { benchPhotos } from './photos.mts';
import type { LoadJob, LoadResult } from './load.mts';
import {
  cpuNs,
  entryArgs,
  mainThreadCpuNs,
  productRuntime,
  ROOT,
  rssBytes,
  spawnNode,
  untilHealthy,
  type Child,
  type Runtime,
} from './processes.mts';
import { median, percentile, letters, settled } from './figures.mts';

const env = process.env;
/** Warm-up rounds for each server until it has settled (see `settled`): at least, at most. */
const WARMUP = Number(env.BENCH_WARMUP ?? 3);
const WARMUP_MAX = Number(env.BENCH_WARMUP_MAX ?? 30);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 9);
const PARENTS = Number(env.PARENTS ?? 60);
const CONCURRENCY = Number(env.CONCURRENCY ?? 50);
const STEP_PARENTS = Number(env.STEP_PARENTS ?? 30);
const SIZES = (env.BENCH_SIZES ?? '0,1000,10000').split(',').map(Number);
const WEBHOOK_PAYMENTS = Number(env.WEBHOOK_PAYMENTS ?? 100);
const PHOTO_RUNS = Number(env.PHOTO_RUNS ?? 1);
const LOG_LEVEL = env.BENCH_LOG_LEVEL ?? 'info';
/** The secret the product's offline payment simulator signs with (server/compose.ts). */
const SIMULATOR_WEBHOOK_SECRET = 'embedded-payment-simulator';
/** The payment step: the answer to routine 29 (the payment day), which leads to 30. */
const PAYMENT_STEP = REGISTRATION.findIndex(([, routine]) => routine === 30);

/** The load generator, forked once; one job at a time. */
export async function startLoad() {
  const child: ChildProcess = fork(join(ROOT, 'test', 'bench', 'load.mts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`The load generator exited (${code})`)));
  });
  return {
    run(job: LoadJob) {
      return new Promise<LoadResult>((resolve, reject) => {
        child.once('message', (message: { ok: boolean; result?: LoadResult; error?: string }) =>
          message.ok && message.result ? resolve(message.result) : reject(new Error(message.error)),
        );
        child.send(job);
      });
    },
    stop: () => void child.kill(),
  };
}
export type Load = Awaited<ReturnType<typeof startLoad>>;

/** The product's web process and a worker beside it, sharing Redis and a data folder. */
export async function startProduct(runtime: Runtime, redisUrl: string, prefix: string) {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-data-'));
  const shared = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    DATA_DIR: dataDir,
    LOG_LEVEL,
    LOG_HASH_KEY: 'bench-log-hash-key-0123456789abcdef0123456789',
    // Every simulated parent comes from 127.0.0.1.
    RATE_LIMIT_PER_MINUTE: '100000',
    NEW_SESSIONS_PER_HOUR: '100000',
    MAX_NEW_SESSIONS_PER_HOUR: '100000',
  };
  const web = spawnNode(entryArgs(runtime, 'main'), {
    ...shared,
    PORT: String(port),
    RUN_WORKERS: 'false',
  });
  const url = `http://127.0.0.1:${port}`;
  const startMs = await untilHealthy(`${url}/health`, web);
  const worker = spawnNode(entryArgs(runtime, 'worker'), shared);
  return {
    url,
    web,
    worker,
    dataDir,
    startMs,
    async stop() {
      await Promise.all([web.stop(), worker.stop()]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
export type Product = Awaited<ReturnType<typeof startProduct>>;

export async function startBaseline(redisUrl: string, sessionBytes: number) {
  const port = await freePort();
  const child = spawnNode(['--import', 'tsx', join(ROOT, 'test', 'bench', 'baseline.mts')], {
    PORT: String(port),
    REDIS_URL: redisUrl,
    SESSION_BYTES: String(sessionBytes),
  });
  const url = `http://127.0.0.1:${port}`;
  await untilHealthy(`${url}/health`, child);
  return { url, child };
}

type Round = {
  turns: number;
  perSecond: number;
  p50: number;
  p99: number;
  cpuMsPerTurn: number;
  mainThreadCpuMsPerTurn: number;
  workerCpuMsPerTurn: number;
  rssMb: number;
  failures: number;
  unfinished: number;
};

/** One round of load against a server process; its CPU read from /proc around the round. */
async function round(
  load: Load,
  base: string,
  server: Child,
  tag: string,
  worker?: Child,
): Promise<Round> {
  const cpu = cpuNs(server.pid);
  const mainCpu = mainThreadCpuNs(server.pid);
  const workerCpu = worker ? cpuNs(worker.pid) : 0;
  const result = await load.run({ base, parents: PARENTS, concurrency: CONCURRENCY, tag });
  return {
    turns: result.turns,
    perSecond: result.turns / result.seconds,
    p50: percentile(result.ms, 50),
    p99: percentile(result.ms, 99),
    cpuMsPerTurn: (cpuNs(server.pid) - cpu) / 1e6 / result.turns,
    mainThreadCpuMsPerTurn: (mainThreadCpuNs(server.pid) - mainCpu) / 1e6 / result.turns,
    workerCpuMsPerTurn: worker ? (cpuNs(worker.pid) - workerCpu) / 1e6 / result.turns : 0,
    rssMb: rssBytes(server.pid) / 2 ** 20,
    failures: result.failures,
    unfinished: result.unfinished,
  };
}

/**
 * The size of one of the product's stored sessions in Redis, its journal (the messages shown)
 * included, though the product appends to that rather than saving it whole: the baseline saves
 * this much at every turn.
 */
export async function sessionBytesIn(redisUrl: string, prefix: string) {
  const client = createClient({ url: redisUrl });
  await client.connect();
  try {
    const sizes: number[] = [];
    for await (const keys of client.scanIterator({ MATCH: `${prefix}instance:session:*` })) {
      for (const key of keys) {
        const journal = key.replace(`${prefix}instance:`, `${prefix}journal-bytes:`);
        sizes.push((await client.strLen(key)) + Number((await client.get(journal)) ?? 0));
      }
      if (sizes.length >= 50) break;
    }
    return Math.round(median(sizes));
  } finally {
    await client.quit();
  }
}

/**
 * Adds registrations (each with its shirt number, and two texts) to the product's SQLite file
 * until it holds `total`, through the product's own store, so that they are kept as the product
 * keeps them; the texts in one transaction. Resolves to how many registrations it added.
 */
export async function seedRegistrations(dataDir: string, total: number) {
  const db = openDatabase(join(dataDir, 'club.sqlite'));
  const counted = db.prepare('SELECT count(*) AS count FROM registrations');
  const countOf = () => (counted.get() as { count: number }).count;
  try {
    const store = createSqliteRegistrationStore(db);
    const count = countOf();
    const text = db.prepare(
      `INSERT INTO sms_texts (key, registration_id, to_number, body, status, queued_at, updated_at)
       VALUES (?, ?, '+447700900123', ?, 'sent', ?, ?)`,
    );
    const at = new Date().toISOString();
    const ids: string[] = [];
    for (let i = count; i < total; i += 1) {
      const id = `seeded${String(i).padStart(6, '0')}`;
      await store.upsert(
        id,
        registrationFixture({
          player_first_name: `Child${letters(i)}`,
          player_last_name: `Family${letters(i)}`,
          parent_first_name: `Parent${letters(i)}`,
          parent_last_name: `Family${letters(i)}`,
          team: `Team ${i % 400}`,
          shirt_number: String((Math.floor(i / 400) % 25) + 1),
          registration_status: i % 3 === 0 ? 'pending_payment' : 'active',
        }),
      );
      ids.push(id);
    }
    await inWriteTransaction(db, 'seed', () => {
      for (const [n, id] of ids.entries()) {
        text.run(`${id}.sendPaymentLink`, id, `Pay here: https://example.org/${id}`, at, at);
        text.run(`${id}.payment-confirmation`, id, `Thank you Parent${count + n}!`, at, at);
      }
    });
    // Checkpointed here, so that the product's next write does not pay for the seed's WAL.
    db.pragma('wal_checkpoint(TRUNCATE)');
    return countOf() - count;
  } finally {
    db.close();
  }
}

/** The payment step timed alone at each data size, on a product of its own. */
export async function paymentStepBySize(load: Load, product: Product) {
  const rows: { size: number; ms: number; cpuMs: number; p90: number }[] = [];
  // Warm-up (not counted): the first turns of a fresh process run cold code.
  await load.run({ base: product.url, parents: STEP_PARENTS, concurrency: 1, tag: 'warm' });
  for (const [index, size] of SIZES.entries()) {
    await seedRegistrations(product.dataDir, size);
    // A few parents untimed after each seeding: the timed ones meet a settled file.
    await load.run({
      base: product.url,
      parents: 3,
      concurrency: 1,
      tag: `settle${letters(index)}`,
    });
    const result = await load.run({
      base: product.url,
      parents: STEP_PARENTS,
      concurrency: 1,
      tag: `size${letters(index)}`,
      step: { index: PAYMENT_STEP, serverPid: product.web.pid },
    });
    const ms = result.steps.map((s) => s.ms).sort((a, b) => a - b);
    if (result.unfinished > 0) throw new Error(`${result.unfinished} parents missed routine 30`);
    rows.push({
      size,
      ms: median(ms),
      p90: percentile(ms, 90),
      cpuMs: median(result.steps.map((s) => s.cpuMs)),
    });
  }
  return rows;
}

/** Every registration awaiting payment pays: signed webhooks in, confirmations queued out. */
export async function webhooks(product: Product) {
  const db = openDatabase(join(product.dataDir, 'club.sqlite'));
  try {
    const waiting = db
      .prepare(
        `SELECT json_extract(fields, '$.billing_request_id') AS br FROM registrations
         WHERE json_extract(fields, '$.registration_status') = 'pending_payment' AND br IS NOT NULL
         LIMIT ?`,
      )
      .all(WEBHOOK_PAYMENTS) as { br: string }[];
    const simulator = createSqliteSimulatedPayments(db);
    const bodies: string[] = [];
    let handled = 0;
    for (const { br } of waiting) {
      const events = await simulator.fulfil(br);
      handled += events.filter((e) =>
        (HANDLED_EVENTS as readonly string[]).includes(`${e.resource_type}.${e.action}`),
      ).length;
      bodies.push(JSON.stringify({ events, meta: { webhook_id: `WBBENCH${br}` } }));
    }
    const confirmed = db.prepare(
      "SELECT count(*) AS count FROM sms_texts WHERE body LIKE 'Thank you %is complete%'",
    );
    const before = (confirmed.get() as { count: number }).count;
    const workerCpu = cpuNs(product.worker.pid);
    const webCpu = cpuNs(product.web.pid);
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, bodies.length) }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++] ?? '';
          const response = await fetch(`${product.url}/webhooks/gocardless`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'webhook-signature': signGoCardlessWebhook(body, SIMULATOR_WEBHOOK_SECRET),
            },
            body,
          });
          await response.arrayBuffer();
          if (response.status !== 200) throw new Error(`The webhook answered ${response.status}`);
        }
      }),
    );
    const posted = (performance.now() - started) / 1000;
    for (;;) {
      if ((confirmed.get() as { count: number }).count - before >= bodies.length) break;
      if (performance.now() - started > 120_000) throw new Error('Payments did not all confirm');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      payments: bodies.length,
      events: handled,
      seconds,
      posted,
      webCpuMsPerEvent: (cpuNs(product.web.pid) - webCpu) / 1e6 / handled,
      workerCpuMsPerEvent: (cpuNs(product.worker.pid) - workerCpu) / 1e6 / handled,
    };
  } finally {
    db.close();
  }
}

const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

/** The whole bench: the table on stdout. */
async function main() {
  const redis = await startRedis();
  const runtime = productRuntime();
  const load = await startLoad();
  const started = performance.now();
  let product: Product | null = null;
  let sized: Product | null = null;
  let baseline: Awaited<ReturnType<typeof startBaseline>> | null = null;
  try {
    product = await startProduct(runtime, redis.url, 'bench.');
    // Warm-up rounds each (not counted), until the server has settled: V8 done compiling its hot
    // code, connection pools open, and (the product's) the session size to copy.
    const warm = async (base: string, server: Child, who: string) => {
      const rounds: Round[] = [];
      while (rounds.length < WARMUP || !settled(rounds)) {
        if (rounds.length >= Math.max(1, WARMUP_MAX))
          return { rounds: rounds.length, settled: false };
        rounds.push(await round(load, base, server, `warm${who}${letters(rounds.length)}`));
      }
      return { rounds: rounds.length, settled: true };
    };
    const productWarmUp = await warm(product.url, product.web, 'product');
    const sessionBytes = await sessionBytesIn(redis.url, 'bench.');
    baseline = await startBaseline(redis.url, sessionBytes);
    const baselineWarmUp = await warm(baseline.url, baseline.child, 'baseline');
    const warmedUp = (w: { rounds: number; settled: boolean }) =>
      `${w.rounds}${w.settled ? '' : ' (not settled)'}`;

    const ours: Round[] = [];
    const theirs: Round[] = [];
    for (let r = 0; r < ROUNDS; r += 1) {
      ours.push(
        await round(load, product.url, product.web, `product${letters(r)}`, product.worker),
      );
      theirs.push(await round(load, baseline.url, baseline.child, `baseline${letters(r)}`));
    }
    const paying = await webhooks(product);
    await product.stop();
    product = null;

    sized = await startProduct(runtime, redis.url, 'bench-sized.');
    const steps = await paymentStepBySize(load, sized);

    const m = (rounds: Round[], key: keyof Round) => median(rounds.map((r) => r[key]));
    const keys = [
      'cpuMsPerTurn',
      'mainThreadCpuMsPerTurn',
      'perSecond',
      'p50',
      'p99',
      'rssMb',
    ] as const;
    const names = {
      cpuMsPerTurn: 'server CPU per turn (ms)',
      mainThreadCpuMsPerTurn: '  of it on the main thread (ms)',
      perSecond: 'throughput (turns/s)',
      p50: 'p50 latency (ms)',
      p99: 'p99 latency (ms)',
      rssMb: 'server RSS after a round (MB)',
    };
    const zero = steps.find((s) => s.size === 0);
    const largest = steps.at(-1);
    const lines = [
      `npm run bench: ${cpus().length} cores, node ${process.version}, product on ${runtime.kind === 'dist' ? 'the compiled build (dist/)' : 'tsx (no dist/: run npm run build)'}, LOG_LEVEL=${LOG_LEVEL}, web + worker processes, redis-server on a free port (no persistence)`,
      `warm-up rounds until each server settled (its threads besides the main one at most 10% of the main thread's CPU in two rounds in a row; ${WARMUP} to ${WARMUP_MAX} rounds): product ${warmedUp(productWarmUp)}, baseline ${warmedUp(baselineWarmUp)}`,
      `then ${ROUNDS} rounds alternated (product, baseline, …), each ${PARENTS} parents × ${REGISTRATION.length} turns, ${CONCURRENCY} at a time, load generator in its own process; medians; baseline session ${sessionBytes} B`,
      '',
      `${''.padEnd(32)}${'product'.padStart(10)}${'baseline'.padStart(10)}${'ratio'.padStart(8)}   rounds (product | baseline)`,
      ...keys.map(
        (key) =>
          `${names[key].padEnd(32)}${fixed(m(ours, key)).padStart(10)}${fixed(m(theirs, key)).padStart(10)}${fixed(m(ours, key) / m(theirs, key)).padStart(8)}   ${ours.map((r) => fixed(r[key])).join(' ')} | ${theirs.map((r) => fixed(r[key])).join(' ')}`,
      ),
      `worker CPU per turn (ms)        ${fixed(m(ours, 'workerCpuMsPerTurn')).padStart(10)}   (beside the web process; not in the ratio)`,
      `failed turns                    ${String(ours.reduce((n, r) => n + r.failures, 0)).padStart(10)}${String(theirs.reduce((n, r) => n + r.failures, 0)).padStart(10)}`,
      `parents not at routine 33/34    ${String(ours.reduce((n, r) => n + r.unfinished, 0)).padStart(10)}   (each must finish: 0)`,
      '',
      `payment step (routine 29 → 30), ${STEP_PARENTS} parents one at a time, registrations seeded in the SQLite file (besides the bench's own few):`,
      ...steps.map(
        (s) =>
          `  ${String(s.size).padStart(6)} stored: median ${fixed(s.ms, 1).padStart(6)} ms (p90 ${fixed(s.p90, 1)}), server CPU ${fixed(s.cpuMs, 2)} ms`,
      ),
      zero && largest
        ? `  at ${largest.size} ÷ at 0: latency ${fixed(largest.ms / zero.ms)}x, CPU ${fixed(largest.cpuMs / zero.cpuMs)}x`
        : '',
      '',
      `GoCardless webhooks: ${paying.payments} payments, ${paying.events} handled events signed and posted (${CONCURRENCY} at a time) in ${fixed(paying.posted, 1)} s, every confirmation queued after ${fixed(paying.seconds, 1)} s: ${fixed(paying.events / paying.seconds, 0)} events/s; CPU per event web ${fixed(paying.webCpuMsPerEvent)} ms, worker ${fixed(paying.workerCpuMsPerEvent)} ms`,
      '',
      `product start to the first /health 200 (web, ${runtime.kind}): ${fixed(sized.startMs, 0)} ms`,
      `ratios: CPU/turn ${fixed(m(ours, 'cpuMsPerTurn') / m(theirs, 'cpuMsPerTurn'))}x (≤ 2.0), p99 ${fixed(m(ours, 'p99') / m(theirs, 'p99'))}x (≤ 3), payment step at ${largest?.size ?? '?'} ${zero && largest ? fixed(largest.ms / zero.ms) : '–'}x at 0 (≤ 1.5)`,
      `(${fixed((performance.now() - started) / 1000, 0)} s)`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } finally {
    load.stop();
    await baseline?.child.stop();
    await product?.stop();
    await sized?.stop();
    redis.stop();
  }
  if (PHOTO_RUNS > 0) await benchPhotos((line) => process.stdout.write(line), PHOTO_RUNS);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
