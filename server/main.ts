import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createChatService } from '../machines/chat-service.ts';
import type { EffectPorts } from '../machines/effects.ts';
import { createOfflineInterpreter } from '../machines/interpreter.ts';
import { createRunner } from '../machines/runner.ts';
import { createDemoAddressLookup } from '../tools/address-lookup/address-lookup.ts';
import type { KeyValueStore } from '../tools/kv/port.ts';
import { createRedisKeyValueStore } from '../tools/kv/redis.ts';
import { createSqliteKeyValueStore } from '../tools/kv/sqlite.ts';
import { createSqliteSimulatedPayments } from '../tools/payments/simulator-sqlite.ts';
import { createLocalPhotoStore } from '../tools/photos/photos.ts';
import { createSqliteRegistrationStore } from '../tools/registrations/sqlite.ts';
import { createSqliteLoggingSmsOutbox } from '../tools/sms/outbox-sqlite.ts';
import type { SnapshotStore } from '../tools/snapshots/port.ts';
import { createRedisSnapshotStore } from '../tools/snapshots/redis.ts';
import { createSqliteSnapshotStore } from '../tools/snapshots/sqlite.ts';
import { openDatabase, type SqliteDatabase } from '../tools/sqlite/database.ts';
import { createSqliteTeamDirectory } from '../tools/teams/sqlite.ts';
import { createUploadStatusStore } from '../tools/upload-status/upload-status.ts';
import { createAgentModeSetting } from './agent-mode.ts';
import { createApp } from './app.ts';
import { createBackground } from './background.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { withDevShortcut } from './dev-shortcut.ts';
import { createLog, type Log } from './log.ts';
import { createLlmInterpreter, createLlmMetrics } from '../machines/llm-interpreter.ts';
import { createPhotoCheck } from '../machines/photo-check.ts';
import { createOpenAiLlm } from '../tools/openai/openai.ts';
import { createPhotoUploads } from './photo-uploads.ts';

/** How long shutdown waits for requests in flight before cutting connections. */
const GRACE_MS = 10_000;

export type StartOptions = {
  log?: Log;
  now?: () => Date;
  /** How long a turn may take before the parent gets a 503 (tests shorten it). */
  turnDeadlineMs?: number;
};
export type RunningServer = { url: string; close(): Promise<void> };

/** The embedded SQLite file under DATA_DIR, shared by every process of this machine. */
export const databasePath = (config: Config) => join(config.dataDir, 'club.sqlite');

/** What every process shares: Redis when configured, else the embedded SQLite file. */
type SharedStores = {
  snapshots: SnapshotStore;
  ledger: KeyValueStore;
  uploads: KeyValueStore;
  close(): Promise<void>;
};

async function sharedStores(config: Config, db: SqliteDatabase): Promise<SharedStores> {
  if (!config.redisUrl) {
    return {
      snapshots: createSqliteSnapshotStore(db),
      ledger: createSqliteKeyValueStore(db, 'ledger'),
      uploads: createSqliteKeyValueStore(db, 'upload-status'),
      close: async () => {},
    };
  }
  const { redisUrl: url, redisKeyPrefix: prefix } = config;
  const [snapshots, ledger, uploads] = await Promise.all([
    createRedisSnapshotStore(url, { prefix }),
    createRedisKeyValueStore(url, `${prefix}ledger`),
    createRedisKeyValueStore(url, `${prefix}upload-status`),
  ]);
  return {
    snapshots,
    ledger,
    uploads,
    close: async () => {
      await Promise.all([snapshots.close(), ledger.close(), uploads.close()]);
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

function listen(server: Server, port: number, host: string) {
  return new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      if (address && typeof address === 'object') resolve(address);
      else reject(new Error('The server has no TCP address'));
    });
  });
}

/** Composition root: config → adapters → chat service → app (not yet listening). */
async function wire(config: Config, log: Log, options: StartOptions) {
  const now = options.now ?? (() => new Date());
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  for (const service of config.configuredServices) {
    log('config.not_wired', { service, using: 'embedded adapter' });
  }
  const { club, publicBaseUrl } = config;
  const db = openDatabase(databasePath(config));
  const stores = await sharedStores(config, db);
  const statuses = createUploadStatusStore(stores.uploads);
  const ports = embeddedPorts(config, db, stores.ledger, log);
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
  const background = createBackground(log);
  const { photos } = ports;
  const uploads = createPhotoUploads({ chat, photos, statuses, background, log, now });
  const app = createApp({
    chat,
    uploads,
    snapshots: stores.snapshots,
    statuses,
    log,
    registrations: ports.registrations,
    agentMode: createAgentModeSetting(false, understanding.model),
    health: {
      sessions: async () => void (await stores.snapshots.load({ machine: 'health', id: 'probe' })),
      uploadStatus: async () => void (await statuses.get('health-probe')),
      dataDir: () => dataDirWritable(config.dataDir),
    },
    adminToken: config.adminToken,
    corsOrigins: config.corsOrigins,
    rateLimitPerMinute: config.rateLimitPerMinute,
    trustProxy: config.trustProxy,
    ...(options.turnDeadlineMs ? { turnDeadlineMs: options.turnDeadlineMs } : {}),
  });
  const closeStores = async () => {
    await closeWithin(stores.close());
    db.close();
  };
  return { app, background, closeStores };
}

/** Starts the whole product on HOST:PORT; `close` stops it gracefully (in-flight turns finish). */
export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<RunningServer> {
  const log = options.log ?? createLog(config.logLevel);
  const { app, background, closeStores } = await wire(config, log, options);
  const handle = app.callback();
  const server = createServer((request, response) => void handle(request, response));
  const address = await listen(server, config.port, config.host);
  const host = ['0.0.0.0', '::'].includes(address.address) ? '127.0.0.1' : address.address;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  log('server.started', { url, redis: Boolean(config.redisUrl), env: config.nodeEnv });

  const close = async () => {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const cut = setTimeout(() => server.closeAllConnections(), GRACE_MS);
    await stopped;
    clearTimeout(cut);
    await background.drain();
    await closeStores();
    log('server.stopped', {});
  };
  let closing: Promise<void> | null = null;
  return { url, close: () => (closing ??= close()) };
}

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee .env.example for every variable.\n`);
    process.exit(1);
  }
  const log = createLog(config.logLevel);
  const running = await startServer(config, { log });
  const stop = (signal: string) => {
    log('server.stopping', { signal });
    setTimeout(() => process.exit(1), GRACE_MS + 5_000).unref();
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

const entryPoint = process.argv[1] ? pathToFileURL(process.argv[1]).href : null;
if (import.meta.url === entryPoint) await main();
