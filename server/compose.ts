import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createChatService } from '../machines/chat-service.ts';
import type { EffectPorts } from '../machines/effects.ts';
import { createOfflineInterpreter } from '../machines/interpreter.ts';
import { createLlmInterpreter, createLlmMetrics } from '../machines/llm-interpreter.ts';
import { paymentDefinition } from '../machines/payment.definition.ts';
import { createPhotoCheck } from '../machines/photo-check.ts';
import { createRunner } from '../machines/runner.ts';
import { createDemoAddressLookup } from '../tools/address-lookup/address-lookup.ts';
import { createBullmqJobs } from '../tools/jobs/bullmq.ts';
import type { Jobs } from '../tools/jobs/port.ts';
import { createSqliteJobs } from '../tools/jobs/sqlite.ts';
import type { KeyValueStore } from '../tools/kv/port.ts';
import { createRedisKeyValueStore } from '../tools/kv/redis.ts';
import { createSqliteKeyValueStore } from '../tools/kv/sqlite.ts';
import { createOpenAiLlm } from '../tools/openai/openai.ts';
import { createGoCardlessPayments } from '../tools/payments/gocardless.ts';
import type { Payments } from '../tools/payments/port.ts';
import {
  createSqliteSimulatedPayments,
  type SimulatedPayments,
} from '../tools/payments/simulator-sqlite.ts';
import { createLocalPhotoStore } from '../tools/photos/photos.ts';
import { createMemoryRateLimiter } from '../tools/rate-limit/memory.ts';
import type { RateLimiter } from '../tools/rate-limit/port.ts';
import { createRedisRateLimiter } from '../tools/rate-limit/redis.ts';
import { createSqliteRegistrationStore } from '../tools/registrations/sqlite.ts';
import { createSqliteLoggingSmsOutbox } from '../tools/sms/outbox-sqlite.ts';
import type { SnapshotStore } from '../tools/snapshots/port.ts';
import { createRedisSnapshotStore } from '../tools/snapshots/redis.ts';
import { createSqliteSnapshotStore } from '../tools/snapshots/sqlite.ts';
import { openDatabase, type SqliteDatabase } from '../tools/sqlite/database.ts';
import { createSqliteTeamDirectory } from '../tools/teams/sqlite.ts';
import { createUploadStatusStore } from '../tools/upload-status/upload-status.ts';
import { createAgentModeSetting } from './agent-mode.ts';
import type { Config } from './config.ts';
import { withDevShortcut } from './dev-shortcut.ts';
import type { Log } from './log.ts';
import { createPhotoUploads } from './photo-uploads.ts';
import { createPaymentEvents } from './payments.ts';

export type ComposeOptions = { now?: () => Date };

/** The embedded SQLite file under DATA_DIR, shared by every process of this machine. */
export const databasePath = (config: Config) => join(config.dataDir, 'club.sqlite');

/** What every process shares: Redis when configured, else the embedded SQLite file. */
type SharedStores = {
  snapshots: SnapshotStore;
  ledger: KeyValueStore;
  uploads: KeyValueStore;
  settings: KeyValueStore;
  jobs: Jobs;
  rateLimiter: RateLimiter;
  close(): Promise<void>;
};

async function sharedStores(config: Config, db: SqliteDatabase, log: Log): Promise<SharedStores> {
  const window = { points: config.rateLimitPerMinute, durationMs: 60_000 };
  if (!config.redisUrl) {
    const jobs = createSqliteJobs(db, { log });
    return {
      snapshots: createSqliteSnapshotStore(db),
      ledger: createSqliteKeyValueStore(db, 'ledger'),
      uploads: createSqliteKeyValueStore(db, 'upload-status'),
      settings: createSqliteKeyValueStore(db, 'settings'),
      jobs,
      // Only one web process runs without Redis: its own count is the shared one.
      rateLimiter: createMemoryRateLimiter(window),
      close: () => jobs.close(),
    };
  }
  const { redisUrl: url, redisKeyPrefix: prefix } = config;
  const [snapshots, ledger, uploads, settings, rateLimiter] = await Promise.all([
    createRedisSnapshotStore(url, { prefix }),
    createRedisKeyValueStore(url, `${prefix}ledger`),
    createRedisKeyValueStore(url, `${prefix}upload-status`),
    createRedisKeyValueStore(url, `${prefix}settings`),
    createRedisRateLimiter({ url, prefix: `${prefix}rate-limit`, ...window }),
  ]);
  const jobs = createBullmqJobs({
    url,
    prefix: `${prefix}bull`,
    log,
    ...(config.jobLockMs
      ? { lockDurationMs: config.jobLockMs, stalledIntervalMs: config.jobLockMs }
      : {}),
  });
  return {
    snapshots,
    ledger,
    uploads,
    settings,
    jobs,
    rateLimiter,
    close: async () => {
      await jobs.close();
      await Promise.all(
        [snapshots, ledger, uploads, settings, rateLimiter].map((store) => store.close()),
      );
    },
  };
}

/**
 * The webhook secret of the offline simulator when GoCardless is not configured: its webhooks
 * never leave the process, so a known secret gives nothing away.
 */
const SIMULATOR_WEBHOOK_SECRET = 'embedded-payment-simulator';

/** GoCardless when configured; otherwise the offline simulator in the SQLite file. */
function paymentsPort(config: Config, db: SqliteDatabase, now: () => Date) {
  if (config.gocardless) {
    const { accessToken, environment, baseUrl, webhookSecret } = config.gocardless;
    const payments: Payments = createGoCardlessPayments({
      accessToken,
      environment,
      ...(baseUrl ? { baseUrl } : {}),
    });
    return { payments, simulator: null, webhookSecret };
  }
  const simulator: SimulatedPayments = createSqliteSimulatedPayments(db, now);
  return { payments: simulator as Payments, simulator, webhookSecret: SIMULATOR_WEBHOOK_SECRET };
}

/** The embedded adapters: tables in the SQLite file and a photo folder under DATA_DIR. */
function embeddedPorts(
  config: Config,
  db: SqliteDatabase,
  stores: Pick<SharedStores, 'ledger' | 'jobs'>,
  payments: Payments,
  log: Log,
): EffectPorts {
  const { club } = config;
  return {
    teams: createSqliteTeamDirectory(
      db,
      club.demoTeams.map((team) => ({ ...team, season: club.season.code })),
    ),
    addressLookup: createDemoAddressLookup(),
    registrations: createSqliteRegistrationStore(db),
    payments,
    sms: createSqliteLoggingSmsOutbox(db, log),
    photos: createLocalPhotoStore(join(config.dataDir, 'photos')),
    ledger: stores.ledger,
    jobs: stores.jobs,
  };
}

/** Per attempt; the SDK retries timeouts, 429 and 5xx with backoff, then the turn reads offline. */
const MODEL_TIMEOUT_MS = 8_000;
const MODEL_RETRIES = 2;

/** The model when OPENAI_API_KEY is set, with the offline interpreter behind it; else offline alone. */
function modelUnderstanding(config: Config, ports: EffectPorts, log: Log) {
  const { club, openai } = config;
  if (!openai)
    return { interpreter: createOfflineInterpreter(club), photoCheck: null, model: null };
  const llm = createOpenAiLlm(
    {
      apiKey: openai.apiKey,
      model: openai.model,
      ...(openai.baseUrl ? { baseUrl: openai.baseUrl } : {}),
      timeoutMs: MODEL_TIMEOUT_MS,
      maxRetries: MODEL_RETRIES,
    },
    log,
  );
  const metrics = createLlmMetrics();
  log('llm.enabled', { model: openai.model });
  return {
    interpreter: createLlmInterpreter({
      llm,
      club,
      addressLookup: ports.addressLookup,
      log,
      metrics,
    }),
    photoCheck: createPhotoCheck({ llm, photos: ports.photos, log, metrics }),
    model: { name: openai.model, usage: metrics },
  };
}

async function dataDirWritable(dataDir: string) {
  const probe = join(dataDir, `.health-${process.pid}`);
  await writeFile(probe, 'ok');
  await rm(probe, { force: true });
}

/** Waits for a store to close, but not forever (an unreachable Redis never answers QUIT). */
function closeWithin(closing: Promise<void>, ms = 3_000) {
  return new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
    closing.then(resolve, resolve);
  });
}

/**
 * Composition root: config → adapters → chat service and photo uploads, shared by the web
 * process (main.ts) and the worker process (worker.ts).
 */
export async function composeProduct(config: Config, log: Log, options: ComposeOptions = {}) {
  const now = options.now ?? (() => new Date());
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  for (const service of config.configuredServices) {
    log('config.not_wired', { service, using: 'embedded adapter' });
  }
  const { club, publicBaseUrl } = config;
  const db = openDatabase(databasePath(config));
  const stores = await sharedStores(config, db, log);
  const statuses = createUploadStatusStore(stores.uploads);
  const payment = paymentsPort(config, db, now);
  const ports = embeddedPorts(config, db, stores, payment.payments, log);
  const runner = createRunner({ store: stores.snapshots, log, now });
  const paymentMachine = paymentDefinition({ club, publicBaseUrl, now });
  const paymentEvents = createPaymentEvents({
    secret: payment.webhookSecret,
    ledger: stores.ledger,
    jobs: stores.jobs,
    runner,
    definition: paymentMachine,
    ports,
    log,
  });
  if (config.gocardless) log('payments.gocardless', { environment: config.gocardless.environment });
  const understanding = modelUnderstanding(config, ports, log);
  const service = createChatService({
    club,
    runner,
    interpreter: understanding.interpreter,
    ports,
    ...(understanding.photoCheck ? { photoCheck: understanding.photoCheck } : {}),
    publicBaseUrl,
    log,
    now,
  });
  const chat = config.nodeEnv === 'development' ? withDevShortcut(service, log) : service;
  const uploads = createPhotoUploads({
    chat,
    photos: ports.photos,
    statuses,
    jobs: stores.jobs,
    log,
    now,
  });
  return {
    chat,
    uploads,
    statuses,
    ports,
    stores,
    payments: {
      events: paymentEvents,
      simulator: payment.simulator,
      webhookSecret: payment.webhookSecret,
      definition: paymentMachine,
      runner,
    },
    agentMode: createAgentModeSetting(stores.settings, false, understanding.model),
    health: {
      sessions: async () => void (await stores.snapshots.load({ machine: 'health', id: 'probe' })),
      uploadStatus: async () => void (await statuses.get('health-probe')),
      jobs: async () => void (await stores.jobs.counts('photos')),
      dataDir: () => dataDirWritable(config.dataDir),
    },
    /** Closes the job queue (running jobs finish), the shared stores, then the SQLite file. */
    async close() {
      await closeWithin(stores.close(), 15_000);
      db.close();
    },
  };
}

export type Product = Awaited<ReturnType<typeof composeProduct>>;
