import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createChatService } from '../machines/chat-service.ts';
import type { EffectPorts } from '../machines/effects.ts';
import { createOfflineInterpreter } from '../machines/interpreter.ts';
import { createLlmInterpreter, createLlmMetrics } from '../machines/llm-interpreter.ts';
import { createPhotoCheck } from '../machines/photo-check.ts';
import { createRunner } from '../machines/runner.ts';
import { createDemoAddressLookup } from '../tools/address-lookup/address-lookup.ts';
import { createAirtableClient, type AirtableConfig } from '../tools/airtable/client.ts';
import { createRecordsOutbox, RECORDS_QUEUE } from '../tools/airtable/outbox.ts';
import { createAirtableRegistrationRecords } from '../tools/airtable/registrations.ts';
import { createAirtableTeamDirectory } from '../tools/airtable/teams.ts';
import { createBullmqJobs } from '../tools/jobs/bullmq.ts';
import type { Jobs } from '../tools/jobs/port.ts';
import { createSqliteJobs } from '../tools/jobs/sqlite.ts';
import type { KeyValueStore } from '../tools/kv/port.ts';
import { createRedisKeyValueStore } from '../tools/kv/redis.ts';
import { createSqliteKeyValueStore } from '../tools/kv/sqlite.ts';
import { createOpenAiLlm } from '../tools/openai/openai.ts';
import { createSqliteSimulatedPayments } from '../tools/payments/simulator-sqlite.ts';
import { createLocalPhotoStore } from '../tools/photos/photos.ts';
import { createMemoryRateLimiter } from '../tools/rate-limit/memory.ts';
import type { RateLimiter } from '../tools/rate-limit/port.ts';
import { createRedisRateLimiter } from '../tools/rate-limit/redis.ts';
import { createRedisSchedule } from '../tools/rate-limit/redis-schedule.ts';
import { createMemorySchedule } from '../tools/rate-limit/schedule.ts';
import { registrationsTable } from '../routines/club.ts';
import { createStoreRegistrationRecords } from '../tools/registrations/records.ts';
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
import type { HealthDetails } from './routes/health.ts';
import { createPhotoUploads } from './photo-uploads.ts';

export type ComposeOptions = {
  now?: () => Date;
  /** Retries of a record's write (default RECORDS_RETRY); tests shorten the backoff. */
  recordsRetry?: { attempts: number; backoffMs: number };
};

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

/** The embedded adapters: tables in the SQLite file and a photo folder under DATA_DIR. */
function embeddedPorts(
  config: Config,
  db: SqliteDatabase,
  ledger: KeyValueStore,
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
    payments: createSqliteSimulatedPayments(db),
    sms: createSqliteLoggingSmsOutbox(db, log),
    photos: createLocalPhotoStore(join(config.dataDir, 'photos')),
    ledger,
  };
}

/** Airtable allows 5 requests per second per base: one every 250 ms (4 a second) leaves room for jitter. */
const AIRTABLE_INTERVAL_MS = 250;
/** A parent's team lookup: the only Airtable call a parent waits on. */
const AIRTABLE_LOOKUP_TIMEOUT_MS = 8_000;
/** A record's write from the queue (its turn under the shared limit included). */
const AIRTABLE_WRITE_TIMEOUT_MS = 60_000;
/** How long /health reuses Airtable's answer, so polling it costs the base little. */
const AIRTABLE_PROBE_CACHE_MS = 30_000;

/**
 * The club's Airtable base, when configured: `team_info` as the team directory, and every
 * registration write sent to the club's table through the `records` queue, the local store
 * staying what the flow reads. Every process shares one limit per base through Redis.
 */
async function airtablePorts(
  config: Config,
  local: EffectPorts['registrations'],
  jobs: Jobs,
  log: Log,
  retry?: ComposeOptions['recordsRetry'],
) {
  const { airtable, club, redisUrl, redisKeyPrefix } = config;
  if (!airtable) return null;
  const schedule = redisUrl
    ? await createRedisSchedule({
        url: redisUrl,
        prefix: `${redisKeyPrefix}airtable-slot.`,
        intervalMs: AIRTABLE_INTERVAL_MS,
      })
    : createMemorySchedule(AIRTABLE_INTERVAL_MS);
  const base: Omit<AirtableConfig, 'timeoutMs'> = {
    apiKey: airtable.apiKey,
    baseId: airtable.baseId,
    ...(airtable.endpointUrl ? { endpointUrl: airtable.endpointUrl } : {}),
    throttle: (signal) => schedule.wait(airtable.baseId, signal),
    log,
  };
  const lookups = { ...base, timeoutMs: AIRTABLE_LOOKUP_TIMEOUT_MS };
  const writes = { ...base, timeoutMs: AIRTABLE_WRITE_TIMEOUT_MS };
  const lookupClient = createAirtableClient(lookups);
  const records = createAirtableRegistrationRecords(
    writes,
    { registrations: (season) => registrationsTable(club, season) },
    createAirtableClient(writes),
  );
  const outbox = createRecordsOutbox({ local, records, jobs, log, ...(retry ? { retry } : {}) });
  let reported: HealthDetails = { reachable: 'unknown' };
  let probedAt = 0;
  let probing: Promise<void> | null = null;
  const probe = () =>
    lookupClient
      .probe(club.airtable.teamsTable)
      .then((health) => {
        reported = health.ok
          ? { reachable: true }
          : { reachable: false, reason: health.reason, detail: health.detail.slice(0, 200) };
      })
      .catch(() => {})
      .finally(() => {
        probedAt = Date.now();
        probing = null;
      });
  return {
    teams: createAirtableTeamDirectory(lookups, { table: club.airtable.teamsTable }, lookupClient),
    records,
    outbox,
    /**
     * Whether the base answers, probed at most every 30 s in the background: it never fails
     * readiness, as the queue rides out an outage, and never waits behind a burst of writes.
     */
    async health() {
      if (!probing && Date.now() - probedAt > AIRTABLE_PROBE_CACHE_MS) probing = probe();
      if (probing && probedAt === 0) {
        await Promise.race([probing, new Promise((resolve) => setTimeout(resolve, 1_500).unref())]);
      }
      return reported;
    },
    close: () => schedule.close(),
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
  const embedded = embeddedPorts(config, db, stores.ledger, log);
  const airtable = await airtablePorts(
    config,
    embedded.registrations,
    stores.jobs,
    log,
    options.recordsRetry,
  );
  const ports: EffectPorts = airtable
    ? {
        ...embedded,
        teams: airtable.teams,
        registrations: airtable.outbox.store,
        clubRecords: airtable.records,
      }
    : { ...embedded, clubRecords: createStoreRegistrationRecords(embedded.registrations) };
  const runner = createRunner({ store: stores.snapshots, log, now });
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
    /** The club's Airtable records and their queue's handler, when Airtable is configured. */
    airtable: airtable ? { records: airtable.records, process: airtable.outbox.process } : null,
    agentMode: createAgentModeSetting(stores.settings, false, understanding.model),
    health: {
      sessions: async () => void (await stores.snapshots.load({ machine: 'health', id: 'probe' })),
      uploadStatus: async () => void (await statuses.get('health-probe')),
      jobs: async () => void (await stores.jobs.counts('photos')),
      ...(airtable
        ? {
            airtable: () => airtable.health(),
            records: async () => {
              const counts = await stores.jobs.counts(RECORDS_QUEUE);
              return {
                backlog: counts.waiting + counts.active + counts.delayed,
                failed: counts.failed,
              };
            },
          }
        : {}),
      dataDir: () => dataDirWritable(config.dataDir),
    },
    /** Closes the job queue (running jobs finish), the shared stores, then the SQLite file. */
    async close() {
      await closeWithin(stores.close(), 15_000);
      if (airtable) await closeWithin(airtable.close());
      db.close();
    },
  };
}

export type Product = Awaited<ReturnType<typeof composeProduct>>;
