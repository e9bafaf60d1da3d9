import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createChatService } from '../machines/chat-service.ts';
import type { EffectPorts } from '../machines/effects.ts';
import { createOfflineInterpreter } from '../machines/interpreter.ts';
import {
  createLlmInterpreter,
  createLlmMetrics,
  type LlmInterpreterDeps,
} from '../machines/llm-interpreter.ts';
import { MCP_PATH } from './mcp.ts';
import { paymentDefinition } from '../machines/payment.definition.ts';
import { createPhotoCheck } from '../machines/photo-check.ts';
import { restingPath } from '../machines/flow-chart.ts';
import { createRunner, type OnSaved } from '../machines/runner.ts';
import type { SessionSnapshot } from '../machines/session.definition.ts';
import type { FlowStats } from '../tools/flow-stats/port.ts';
import { createSqliteFlowStats } from '../tools/flow-stats/sqlite.ts';
import { createAddressSearch } from '../tools/address-lookup/configured.ts';
import { createRecordsOutbox, RECORDS_QUEUE } from '../tools/airtable/outbox.ts';
import type { JobOptions, Jobs } from '../tools/jobs/port.ts';
import { createSqliteJobs } from '../tools/jobs/sqlite.ts';
import type { KeyValueStore } from '../tools/kv/port.ts';
import { createSqliteKeyValueStore } from '../tools/kv/sqlite.ts';
import type { Payments } from '../tools/payments/port.ts';
import {
  createSqliteSimulatedPayments,
  type SimulatedPayments,
} from '../tools/payments/simulator-sqlite.ts';
import type { AirtableConfig } from '../tools/airtable/client.ts';
import { createMcpToolClient } from '../tools/mcp/client.ts';
import { createLocalPhotoStorage } from '../tools/photos/local-storage.ts';
import { createPhotoStore } from '../tools/photos/photos.ts';
import type { PhotoStorage } from '../tools/photos/port.ts';
import { createMemoryRateLimiter } from '../tools/rate-limit/memory.ts';
import type { RateLimiter } from '../tools/rate-limit/port.ts';
import { createMemorySchedule } from '../tools/rate-limit/schedule.ts';
import { registrationsTable } from '../routines/club.ts';
import { createStoreRegistrationRecords } from '../tools/registrations/records.ts';
import { createSqliteRegistrationStore } from '../tools/registrations/sqlite.ts';
import { remembered } from '../tools/remembered.ts';
import { createLogSmsSender } from '../tools/sms/log-sender.ts';
import { createSqliteSmsOutbox } from '../tools/sms/outbox-sqlite.ts';
import type { SmsSender } from '../tools/sms/port.ts';
import { SMS_QUEUE, type SmsOutboxRecords } from '../tools/sms/sms.ts';
import type { SnapshotStore } from '../tools/snapshots/port.ts';
import { createSqliteSnapshotStore } from '../tools/snapshots/sqlite.ts';
import { checkpointsIn, openDatabase, type SqliteDatabase } from '../tools/sqlite/database.ts';
import { createSqliteTeamDirectory } from '../tools/teams/sqlite.ts';
import { createUploadStatusStore } from '../tools/upload-status/upload-status.ts';
import { createAgentModeSetting } from './agent-mode.ts';
import { demoPlayerRecords, withDemoPlayers } from './demo-players.ts';
import type { Middleware } from 'koa';
import type { Config } from './config.ts';
import { JOB_BOARD_PATH } from './app.ts';
import { withDevShortcut } from './dev-shortcut.ts';
import { withSessionTags, type Log } from './log.ts';
import { serviceChecks } from './health-probes.ts';
import { createMetrics, productLabels } from './metrics.ts';
import type { HealthDetails } from './routes/health.ts';
import { createErasure } from './erasure.ts';
import { createPhotoUploads, PHOTO_QUEUE } from './photo-uploads.ts';
import { createRetention, RETENTION_QUEUE } from './retention.ts';
import { createTexts, TEXT_RETRY, TWILIO_STATUS_PATH, type RegistrationLock } from './texts.ts';
import { createPaymentEvents, PAYMENT_EVENTS_QUEUE } from './payments.ts';
import { PAYMENT_REMINDER_QUEUE } from '../machines/payment-link.ts';

export type ComposeOptions = {
  now?: () => Date;
  /** How texts are retried (tests shorten the backoff; default TEXT_RETRY). */
  textRetry?: { attempts: number; backoffMs: number };
  /** Retries of a record's write (default RECORDS_RETRY); tests shorten the backoff. */
  recordsRetry?: { attempts: number; backoffMs: number };
  /**
   * Whether this process checkpoints the SQLite file's log in the background ('here', the
   * default: it runs the job workers) or leaves that to the worker beside it (a web process run
   * with RUN_WORKERS=false). See checkpointsIn.
   */
  checkpoints?: 'here' | 'elsewhere';
};

/** The embedded SQLite file under DATA_DIR, shared by every process of this machine. */
export const databasePath = (config: Config) => join(config.dataDir, 'club.sqlite');

/** What every process shares: Redis when configured, else the embedded SQLite file. */
type SharedStores = {
  snapshots: SnapshotStore;
  ledger: KeyValueStore;
  uploads: KeyValueStore;
  settings: KeyValueStore;
  /** Address lookups by postcode, kept for minutes (no house, no name in keys or values' keys). */
  addressCache: KeyValueStore;
  jobs: Jobs;
  rateLimiter: RateLimiter;
  /** New sessions per client address, and in all (key 'all'), per hour. */
  newSessions: RateLimiter;
  allNewSessions: RateLimiter;
  /** Where each session rests in the flow (the flow page's counts), by an opaque tag. */
  flowStats: FlowStats;
  close(): Promise<void>;
};

async function sharedStores(config: Config, db: SqliteDatabase, log: Log): Promise<SharedStores> {
  const window = { points: config.rateLimitPerMinute, durationMs: 60_000 };
  const perAddress = { points: config.newSessionsPerHour, durationMs: 3600_000 };
  const inAll = { points: config.maxNewSessionsPerHour, durationMs: 3600_000 };
  if (!config.redisUrl) {
    const jobs = createSqliteJobs(db, { log });
    return {
      snapshots: createSqliteSnapshotStore(db),
      ledger: createSqliteKeyValueStore(db, 'ledger'),
      uploads: createSqliteKeyValueStore(db, 'upload-status'),
      settings: createSqliteKeyValueStore(db, 'settings'),
      addressCache: createSqliteKeyValueStore(db, 'address-cache'),
      jobs,
      // Only one web process runs without Redis: its own count is the shared one.
      rateLimiter: createMemoryRateLimiter(window),
      newSessions: createMemoryRateLimiter(perAddress),
      allNewSessions: createMemoryRateLimiter(inAll),
      flowStats: createSqliteFlowStats(db),
      close: () => jobs.close(),
    };
  }
  const { redisUrl: url, redisKeyPrefix: prefix } = config;
  // The Redis clients and BullMQ only when REDIS_URL is set (the embedded mode starts without them).
  const [
    { createRedisSnapshotStore },
    { createRedisKeyValueStore },
    { createRedisRateLimiter },
    { createRedisFlowStats },
    { createBullmqJobs },
  ] = await Promise.all([
    import('../tools/snapshots/redis.ts'),
    import('../tools/kv/redis.ts'),
    import('../tools/rate-limit/redis.ts'),
    import('../tools/flow-stats/redis.ts'),
    import('../tools/jobs/bullmq.ts'),
  ]);
  const [
    snapshots,
    ledger,
    uploads,
    settings,
    addressCache,
    rateLimiter,
    newSessions,
    allNewSessions,
    flowStats,
  ] = await Promise.all([
    createRedisSnapshotStore(url, { prefix }),
    createRedisKeyValueStore(url, `${prefix}ledger`),
    createRedisKeyValueStore(url, `${prefix}upload-status`),
    createRedisKeyValueStore(url, `${prefix}settings`),
    createRedisKeyValueStore(url, `${prefix}address-cache`),
    createRedisRateLimiter({ url, prefix: `${prefix}rate-limit`, ...window }),
    createRedisRateLimiter({ url, prefix: `${prefix}new-sessions`, ...perAddress }),
    createRedisRateLimiter({ url, prefix: `${prefix}all-new-sessions`, ...inAll }),
    createRedisFlowStats(url, { prefix }),
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
    addressCache,
    jobs,
    rateLimiter,
    newSessions,
    allNewSessions,
    flowStats,
    close: async () => {
      await jobs.close();
      await Promise.all(
        [
          snapshots,
          ledger,
          uploads,
          settings,
          addressCache,
          rateLimiter,
          newSessions,
          allNewSessions,
          flowStats,
        ].map((store) => store.close()),
      );
    },
  };
}

/** After each saved session turn: where the session now rests, under a digest of its id. */
function recordFlow(flowStats: FlowStats): OnSaved {
  // A chat's tag is the same at every turn: remembered for the chats of the last few minutes.
  const tagOf = remembered(
    (instanceId) => createHash('sha256').update(`flow:${instanceId}`).digest('hex').slice(0, 32),
    1_000,
  );
  return async (machine, instanceId, snapshot, savedAt) => {
    if (machine !== 'session') return;
    const session = snapshot as SessionSnapshot;
    const tag = tagOf(instanceId);
    await flowStats.moved(tag, {
      state: restingPath(session),
      finished: session.hasTag('finished'),
      at: savedAt,
    });
  };
}

/**
 * The job dashboard on every queue, opened (bull-board loaded) on its first request (web processes
 * only); null without Redis.
 */
function jobBoard(config: Config) {
  const { redisUrl, redisKeyPrefix } = config;
  if (!redisUrl) return { open: () => null, close: async () => {} };
  const load = async () =>
    (await import('../tools/jobs/bullmq-board.ts')).createBullmqBoard({
      url: redisUrl,
      prefix: `${redisKeyPrefix}bull`,
      queues,
      basePath: JOB_BOARD_PATH,
    });
  let board: ReturnType<typeof load> | null = null;
  const queues = [
    PHOTO_QUEUE,
    SMS_QUEUE,
    RETENTION_QUEUE,
    PAYMENT_EVENTS_QUEUE,
    PAYMENT_REMINDER_QUEUE,
    ...(config.airtable ? [RECORDS_QUEUE] : []),
  ];
  const middleware: Middleware = async (ctx, next) =>
    (await (board ??= load())).middleware(ctx, next);
  return {
    open: () => middleware,
    close: async () => (await board)?.close(),
  };
}

/**
 * Photos in S3 when configured, else in DATA_DIR/photos/stored (owner-only). A vendor SDK is
 * loaded only when configured (S3, GoCardless, OpenAI, Twilio, Airtable, Redis and BullMQ, the
 * inspector), and a heavy module only when first used (bull-board, the MCP SDK, sharp): a process
 * starts faster and smaller without the ones it does not use.
 */
async function photoStorage(config: Config): Promise<PhotoStorage> {
  if (!config.s3) return createLocalPhotoStorage(join(config.dataDir, 'photos', 'stored'));
  const { createS3PhotoStorage } = await import('../tools/photos/s3-photo-storage.ts');
  const { bucket, region, endpoint } = config.s3;
  return createS3PhotoStorage({ bucket, region, ...(endpoint ? { endpoint } : {}) });
}

/**
 * The webhook secret of the offline simulator when GoCardless is not configured: its webhooks
 * never leave the process, so a known secret gives nothing away.
 */
const SIMULATOR_WEBHOOK_SECRET = 'embedded-payment-simulator';

/** GoCardless when configured; otherwise the offline simulator in the SQLite file. */
async function paymentsPort(config: Config, db: SqliteDatabase, now: () => Date) {
  if (config.gocardless) {
    const { createGoCardlessPayments } = await import('../tools/payments/gocardless.ts');
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
async function embeddedPorts(
  config: Config,
  db: SqliteDatabase,
  stores: Pick<SharedStores, 'ledger' | 'addressCache' | 'jobs'>,
  sms: SmsOutboxRecords,
  payments: Payments,
  log: Log,
): Promise<Omit<EffectPorts, 'clubRecords'>> {
  const { club } = config;
  return {
    teams: createSqliteTeamDirectory(
      db,
      club.demoTeams.map((team) => ({ ...team, season: club.season.code })),
    ),
    // The demo streets, or the configured provider cached by postcode in the shared store.
    addressLookup: createAddressSearch(config.addressLookup, { kv: stores.addressCache, log }),
    registrations: createSqliteRegistrationStore(db),
    payments,
    sms,
    // Uploads wait on this machine's disk until the flow takes them (web and workers share DATA_DIR).
    photos: createPhotoStore({
      stagingDir: join(config.dataDir, 'photos', 'staged'),
      storage: await photoStorage(config),
    }),
    ledger: stores.ledger,
    jobs: stores.jobs,
  };
}

/** Twilio when its variables are set; else the log (the whole text stays in the outbox). */
async function smsSender(config: Config, log: Log): Promise<SmsSender> {
  if (!config.twilio) return createLogSmsSender(log);
  const { createTwilioSmsSender } = await import('../tools/sms/twilio.ts');
  const { baseUrl, ...twilio } = config.twilio;
  log('sms.provider', { provider: 'twilio', baseUrl: baseUrl !== null });
  return createTwilioSmsSender({ ...twilio, ...(baseUrl ? { baseUrl } : {}) });
}

/** One registration at a time, across processes: the snapshot store's lock on `sms-status`. */
function registrationLock(snapshots: SnapshotStore): RegistrationLock {
  return async (registrationId, work) => {
    const held = await snapshots.acquire({ machine: 'sms-status', id: registrationId });
    try {
      return await work();
    } finally {
      await held.release();
    }
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
  const [
    { createAirtableClient },
    { createAirtableRegistrationRecords },
    { createAirtableTeamDirectory },
  ] = await Promise.all([
    import('../tools/airtable/client.ts'),
    import('../tools/airtable/registrations.ts'),
    import('../tools/airtable/teams.ts'),
  ]);
  const schedule = redisUrl
    ? await (
        await import('../tools/rate-limit/redis-schedule.ts')
      ).createRedisSchedule({
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

/**
 * sharp and the HEIC pool, loaded once: by a process that runs the photo jobs as soon as it has
 * started (`loadPhotoTools`, off any request), else on the first photo a turn prepares.
 */
function photoTools() {
  const importPrepare = () => import('../tools/photos/prepare.ts');
  let loaded: ReturnType<typeof importPrepare> | null = null;
  const load = () => (loaded ??= importPrepare());
  return {
    /** Loads them now; a failure is the first prepare's to report. */
    preload: () =>
      load().then(
        () => {},
        () => {},
      ),
    prepare: async (bytes: Uint8Array, signal?: AbortSignal) =>
      (await load()).preparePhoto(bytes, signal ? { signal } : {}),
    close: async () => (await loaded)?.closeSharedHeicDecoder(),
  };
}

/** Per attempt; the SDK retries timeouts, 429 and 5xx with backoff, then the turn reads offline. */
const MODEL_TIMEOUT_MS = 8_000;
const MODEL_RETRIES = 2;

/** The model when OPENAI_API_KEY is set, with the offline interpreter behind it; else offline alone. */
async function modelUnderstanding(
  config: Config,
  ports: EffectPorts,
  log: Log,
  agentTools?: LlmInterpreterDeps['agentTools'],
) {
  const { club, openai } = config;
  if (!openai)
    return { interpreter: createOfflineInterpreter(club), photoCheck: null, model: null };
  const { createOpenAiLlm } = await import('../tools/openai/openai.ts');
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
      ...(agentTools ? { agentTools } : {}),
    }),
    photoCheck: createPhotoCheck({ llm, photos: ports.photos, log, metrics }),
    model: { name: openai.model, usage: metrics },
  };
}

async function dataDirWritable(dataDir: string) {
  const probe = join(dataDir, `.health-${process.pid}`);
  await writeFile(probe, 'ok', { mode: 0o600 });
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
export async function composeProduct(
  config: Config,
  processLog: Log,
  options: ComposeOptions = {},
) {
  const now = options.now ?? (() => new Date());
  // Session ids are bearer secrets: the logs get a keyed tag instead.
  if (!config.logHashKey) {
    processLog('log.hash_key_random', {
      note: 'LOG_HASH_KEY is unset: session tags in the logs change with each process',
    });
  }
  // This product's own metrics registry, read off its log events (never a family's data).
  const metrics = createMetrics(productLabels());
  const log = withSessionTags(
    metrics.observe(processLog),
    config.logHashKey ?? randomBytes(32).toString('hex'),
  );
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  // An existing folder too: the embedded stores hold children's personal and medical data.
  await chmod(config.dataDir, 0o700);
  const { club, publicBaseUrl } = config;
  const db = openDatabase(databasePath(config));
  const stopCheckpoints = checkpointsIn(db, options.checkpoints ?? 'here', {
    onError: (error) =>
      log('sqlite.checkpoint_failed', { error: error instanceof Error ? error.name : 'unknown' }),
  });
  const stores = await sharedStores(config, db, log);
  metrics.watchQueues(stores.jobs);
  const statuses = createUploadStatusStore(stores.uploads);
  const textRetry: JobOptions & { attempts: number } = options.textRetry ?? TEXT_RETRY;
  const outbox = createSqliteSmsOutbox(db, stores.jobs, { retry: textRetry, now });
  const payment = await paymentsPort(config, db, now);
  const embedded = await embeddedPorts(config, db, stores, outbox, payment.payments, log);
  log('address_lookup.provider', { provider: config.addressLookup.provider });
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
    : {
        ...embedded,
        // The embedded default: the club's file, then last season's demo players (README "Try it").
        clubRecords: withDemoPlayers(
          createStoreRegistrationRecords(embedded.registrations),
          await demoPlayerRecords(club),
        ),
      };
  const texts = createTexts({
    outbox,
    sender: await smsSender(config, log),
    ledger: stores.ledger,
    registrations: ports.registrations,
    lock: registrationLock(stores.snapshots),
    statusCallbackUrl: config.twilio
      ? `${publicBaseUrl.replace(/\/$/, '')}${TWILIO_STATUS_PATH}`
      : null,
    attempts: textRetry.attempts,
    log,
  });
  // Development only (config refuses it in production): every actor streams to the relay.
  const inspector = config.inspectUrl
    ? (await import('@statelyai/inspect')).createWebSocketInspector({ url: config.inspectUrl })
    : null;
  if (inspector) log('inspector.enabled', { url: config.inspectUrl });
  const runner = createRunner({
    store: stores.snapshots,
    log,
    now,
    onSaved: recordFlow(stores.flowStats),
    ...(inspector ? { inspect: inspector.inspect } : {}),
  });
  const erasure = createErasure({
    snapshots: stores.snapshots,
    statuses,
    ledger: stores.ledger,
    registrations: ports.registrations,
    photos: ports.photos,
    sms: ports.sms,
    jobs: stores.jobs,
    log,
    clubTable: airtable?.outbox ?? null,
    paymentsSimulator: payment.simulator,
  });
  const retention = createRetention({
    jobs: stores.jobs,
    registrations: ports.registrations,
    erasure,
    unfinishedRetentionMs: config.unfinishedRetentionMs,
    log,
    now,
  });
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
  // MCP mode: the generic agent's tools through an MCP client, against MCP_SERVER_URL or this
  // server's own /mcp (its address is known once it listens).
  let ownUrl: string | null = null;
  const mcpClient = createMcpToolClient({
    url: () => config.mcpServerUrl ?? (ownUrl ? `${ownUrl}${MCP_PATH}` : null),
    token: config.mcpToken,
  });
  let agentMode: ReturnType<typeof createAgentModeSetting> | null = null;
  const agentTools: LlmInterpreterDeps['agentTools'] = async (defaults) =>
    (await agentMode?.get()) === 'mcp'
      ? defaults.map((tool) => ({
          ...tool,
          run: (input, _ports, signal) => mcpClient.callTool(tool.name, input, signal),
        }))
      : null;
  const understanding = await modelUnderstanding(config, ports, log, agentTools);
  const board = jobBoard(config);
  const service = createChatService({
    club,
    runner,
    interpreter: understanding.interpreter,
    ports,
    ...(understanding.photoCheck ? { photoCheck: understanding.photoCheck } : {}),
    publicBaseUrl,
    log,
    now,
    finishedTtlMs: config.sessionRetentionMs,
    pausedTtlMs: config.unfinishedRetentionMs,
  });
  const chat = config.nodeEnv === 'development' ? withDevShortcut(service, log) : service;
  const photos = photoTools();
  const uploads = createPhotoUploads({
    chat,
    // HEIC goes to the shared worker-thread pool; JPEG, PNG and WebP to sharp's own threads.
    prepare: photos.prepare,
    photos: ports.photos,
    statuses,
    jobs: stores.jobs,
    log,
    now,
  });
  return {
    /** Loads the photo tools (sharp) now: call it once the process has started, if it runs jobs. */
    loadPhotoTools: photos.preload,
    /** The process's log with session ids tagged: use this one, never the raw log. */
    log,
    /** Prometheus series of this product (GET /metrics). */
    metrics,
    chat,
    uploads,
    erasure,
    retention,
    statuses,
    texts,
    ports,
    stores,
    /** The club's Airtable records and their queue's handler, when Airtable is configured. */
    airtable: airtable ? { records: airtable.records, process: airtable.outbox.process } : null,
    payments: {
      events: paymentEvents,
      simulator: payment.simulator,
      webhookSecret: payment.webhookSecret,
      definition: paymentMachine,
      runner,
    },
    /** bull-board's middleware (mount it at JOB_BOARD_PATH behind the admin token), or null without BullMQ. */
    jobBoard: board.open,
    agentMode: (agentMode = createAgentModeSetting(
      stores.settings,
      // Only the model's generic agent calls tools: offline, there is nothing to send through MCP.
      Boolean(config.openai && (config.mcpServerUrl ?? config.mcpToken)),
      understanding.model,
    )),
    /** The MCP server's token, and the hook main.ts calls with the server's address once listening. */
    mcp: {
      token: config.mcpToken,
      listeningAt: (url: string) => {
        ownUrl = url;
      },
    },
    health: {
      sessions: async () => void (await stores.snapshots.load({ machine: 'health', id: 'probe' })),
      uploadStatus: async () => void (await statuses.get('health-probe')),
      jobs: async () => void (await stores.jobs.counts('photos')),
      ...serviceChecks(config, stores.jobs, productLabels().queues),
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
    /**
     * Closes the job queue (running jobs finish), the shared stores, the HEIC worker pool, then
     * the SQLite file.
     */
    async close() {
      inspector?.stop();
      await closeWithin(board.close());
      await closeWithin(stores.close(), 15_000);
      await closeWithin(photos.close());
      if (airtable) await closeWithin(airtable.close());
      stopCheckpoints();
      db.close();
    },
  };
}

export type Product = Awaited<ReturnType<typeof composeProduct>>;
