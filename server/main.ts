import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.ts';
import { composeProduct, type ComposeOptions } from './compose.ts';
import type { Config } from './config.ts';
import { createLog, type Log } from './log.ts';
import { configOrExit, isEntryPoint, stopOnSignals } from './process.ts';
import { startWorkers } from './workers.ts';

export { databasePath } from './compose.ts';

/** How long shutdown waits for requests in flight before cutting connections. */
const GRACE_MS = 10_000;

export type StartOptions = {
  log?: Log;
  now?: () => Date;
  /** How long a turn may take before the parent gets a 503 (tests shorten it). */
  turnDeadlineMs?: number;
  /** How texts are retried (tests shorten the backoff). */
  textRetry?: ComposeOptions['textRetry'];
};
export type RunningServer = { url: string; close(): Promise<void> };

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

/** The web app on the composed product (not yet listening), and its workers unless RUN_WORKERS=false. */
export async function wire(config: Config, processLog: Log, options: StartOptions) {
  const product = await composeProduct(config, processLog, {
    // A web process with a worker beside it leaves the SQLite file's checkpoints to the worker.
    checkpoints: config.runWorkers ? 'here' : 'elsewhere',
    ...(options.now ? { now: options.now } : {}),
    ...(options.textRetry ? { textRetry: options.textRetry } : {}),
  });
  const { log } = product;
  if (config.runWorkers) startWorkers(product, log);
  const app = createApp({
    chat: product.chat,
    uploads: product.uploads,
    snapshots: product.stores.snapshots,
    statuses: product.statuses,
    log,
    registrations: product.ports.registrations,
    texts: product.texts,
    twilioWebhook: config.twilio
      ? { authToken: config.twilio.authToken, publicBaseUrl: config.publicBaseUrl }
      : null,
    agentMode: product.agentMode,
    health: product.health,
    metrics: product.metrics,
    adminToken: config.adminToken,
    corsOrigins: config.corsOrigins,
    rateLimiter: product.stores.rateLimiter,
    newSessions: product.stores.newSessions,
    allNewSessions: product.stores.allNewSessions,
    erasure: product.erasure,
    trustProxy: config.trustProxy,
    flowStats: product.stores.flowStats,
    jobBoard: product.jobBoard(),
    mcp: { club: config.club, teams: product.ports.teams, token: product.mcp.token, log },
    ...(options.now ? { now: options.now } : {}),
    ...(options.turnDeadlineMs ? { turnDeadlineMs: options.turnDeadlineMs } : {}),
    payments: {
      club: config.club,
      publicBaseUrl: config.publicBaseUrl,
      ledger: product.stores.ledger,
      registrations: product.ports.registrations,
      payments: product.ports.payments,
      simulator: product.payments.simulator,
      webhookSecret: product.payments.webhookSecret,
      events: product.payments.events,
      log,
      now: options.now ?? (() => new Date()),
    },
  });
  return { app, product };
}

/** Starts the whole product on HOST:PORT; `close` stops it gracefully (in-flight turns finish). */
export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<RunningServer> {
  const log = options.log ?? createLog(config.logLevel);
  const { app, product } = await wire(config, log, options);
  const handle = app.callback();
  const server = createServer((request, response) => void handle(request, response));
  const address = await listen(server, config.port, config.host);
  const host = ['0.0.0.0', '::'].includes(address.address) ? '127.0.0.1' : address.address;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  product.mcp.listeningAt(url);
  // The photo jobs run here: sharp now, rather than on the first photo.
  if (config.runWorkers) void product.loadPhotoTools();
  log('server.started', {
    url,
    redis: Boolean(config.redisUrl),
    workers: config.runWorkers,
    env: config.nodeEnv,
  });

  const close = async () => {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const cut = setTimeout(() => server.closeAllConnections(), GRACE_MS);
    await stopped;
    clearTimeout(cut);
    await product.close();
    log('server.stopped', {});
  };
  let closing: Promise<void> | null = null;
  return { url, close: () => (closing ??= close()) };
}

async function main() {
  const config = configOrExit();
  const log = createLog(config.logLevel);
  const running = await startServer(config, { log });
  stopOnSignals('server', running.close, log, GRACE_MS + 5_000);
}

if (isEntryPoint(import.meta.url)) await main();
