import cors from '@koa/cors';
import Koa, { type Middleware } from 'koa';
import { koaBody } from 'koa-body';
import type { ChatService } from '../machines/chat-service.ts';
import type { FlowStats } from '../tools/flow-stats/port.ts';
import type { RegistrationStore } from '../tools/registrations/registrations.ts';
import type { RateLimiter } from '../tools/rate-limit/port.ts';
import type { SnapshotStore } from '../tools/snapshots/port.ts';
import type { UploadStatusStore } from '../tools/upload-status/upload-status.ts';
import type { AgentModeSetting } from './agent-mode.ts';
import { errorBoundary, logAppError } from './http-errors.ts';
import { TURN_DEADLINE_MS } from './http.ts';
import type { Log } from './log.ts';
import { createMetrics, metricsRouter, productLabels, type Metrics } from './metrics.ts';
import type { PhotoUploads } from './photo-uploads.ts';
import type { Erasure } from './erasure.ts';
import { openApiRouter } from './openapi.ts';
import { newSessionLimit, rateLimit } from './rate-limit.ts';
import { mcpRouter, type McpDeps } from './mcp.ts';
import { adminRouter, requireAdmin } from './routes/admin.ts';
import { chatRouter } from './routes/chat.ts';
import { healthRouter, type HealthChecks } from './routes/health.ts';
import { pageRouter } from './routes/page.ts';
import { paymentsRouter, WEBHOOK_PATH, type PaymentRoutesDeps } from './routes/payments.ts';
import { uploadsRouter } from './routes/uploads.ts';
import { webhooksRouter, type TwilioWebhookConfig } from './routes/webhooks.ts';
import type { Texts } from './texts.ts';

/** Where the job dashboard answers (bull-board), behind the admin token. */
export const JOB_BOARD_PATH = '/admin/queues';

/** Everything the HTTP layer needs, built by the composition root (or a test). */
export type AppDeps = {
  chat: ChatService;
  uploads: PhotoUploads;
  /** Persisted machines, for an admin to clear a session. */
  snapshots: SnapshotStore;
  statuses: UploadStatusStore;
  registrations: RegistrationStore;
  /** The SMS outbox: Twilio's status callbacks and the club's list of texts. */
  texts: Texts;
  /** How Twilio's callbacks are checked; null when texts do not go through Twilio. */
  twilioWebhook: TwilioWebhookConfig | null;
  agentMode: AgentModeSetting;
  health: HealthChecks;
  log: Log;
  adminToken: string | null;
  /** Browser origins allowed to call the API (the club frontend's). */
  corsOrigins: readonly string[];
  /** Counts requests per client address on /chat and the uploads, across every instance. */
  rateLimiter: RateLimiter;
  /** New sessions per client address, and in all (key 'all'), per hour. */
  newSessions: RateLimiter;
  allNewSessions: RateLimiter;
  /** Erases one family's data across every store (POST /admin/erase). */
  erasure: Erasure;
  /** Read the client address from X-Forwarded-For (behind a trusted proxy only). */
  trustProxy: boolean;
  /** How long a turn may take before the parent gets a 503 (default TURN_DEADLINE_MS). */
  turnDeadlineMs?: number;
  /** The payment link, the GoCardless webhook and the offline simulator's page. */
  payments: PaymentRoutesDeps;
  /** The product's Prometheus series (GET /metrics); a registry of the app's own when not given. */
  metrics?: Metrics;
  /** bull-board, mounted at JOB_BOARD_PATH behind the admin token, when BullMQ is in use. */
  jobBoard?: Middleware | null;
  /** The MCP server at /mcp: the generic agent's read-only tools, behind its bearer token. */
  mcp?: McpDeps;
  /** Where sessions rest in the flow (/admin/flow). */
  flowStats: FlowStats;
  now?: () => Date;
};

/** JSON bodies are small: 2,000 characters of message and a few hints (a 1 MB body gets 413). */
const JSON_LIMIT = '32kb';

/**
 * Headers on every answer. Any answer may hold personal data (a summary, a registration): never
 * kept by a cache. Set on the Node response directly (Koa's `ctx.set` builds two arrays per call),
 * named in lower case as Node keys them.
 */
const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['cache-control', 'no-store'],
  ['pragma', 'no-cache'],
  ['x-content-type-options', 'nosniff'],
  ['referrer-policy', 'no-referrer'],
  ['x-frame-options', 'DENY'],
];

const securityHeaders: Middleware = (ctx, next) => {
  const { res } = ctx;
  for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
  return next();
};

/** Builds the Koa app without listening: tests and main.ts share this wiring. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: deps.trustProxy });
  app.on('error', logAppError(deps.log));
  const allowed = new Set(deps.corsOrigins);
  const limit = rateLimit(deps.rateLimiter, deps.log);
  const deadlineMs = deps.turnDeadlineMs ?? TURN_DEADLINE_MS;
  const metrics = deps.metrics ?? createMetrics(productLabels());

  // Outside the boundary, so that it counts the status the client gets.
  app.use(metrics.http);
  app.use(errorBoundary(deps.log));
  app.use(securityHeaders);
  app.use(
    cors({
      origin: (ctx) => (allowed.has(ctx.get('Origin')) ? ctx.get('Origin') : ''),
      allowMethods: 'GET,POST',
      allowHeaders: 'Content-Type,Authorization',
      maxAge: 600,
    }),
  );
  const { jobBoard } = deps;
  if (jobBoard) {
    // Its pages, assets and API, all behind the token (Basic auth, so a browser asks for it).
    const admin = requireAdmin(deps.adminToken, { browser: true });
    app.use((ctx, next) =>
      ctx.path === JOB_BOARD_PATH || ctx.path.startsWith(`${JOB_BOARD_PATH}/`)
        ? admin(ctx, () => jobBoard(ctx, next))
        : next(),
    );
  }
  const body = koaBody({
    json: true,
    jsonLimit: JSON_LIMIT,
    multipart: false,
    urlencoded: false,
    text: false,
  });
  // The webhook's signature covers the exact bytes: its body is read raw by its route.
  app.use((ctx, next) => (ctx.path === WEBHOOK_PATH ? next() : body(ctx, next)));
  const routers = [
    chatRouter({
      chat: deps.chat,
      log: deps.log,
      limit,
      deadlineMs,
      admitNewSession: newSessionLimit(deps.newSessions, deps.allNewSessions, deps.log),
    }),
    uploadsRouter({ uploads: deps.uploads, limit, deadlineMs }),
    adminRouter(deps),
    webhooksRouter({ texts: deps.texts, twilio: deps.twilioWebhook, log: deps.log }),
    healthRouter({ checks: deps.health }),
    metricsRouter({ metrics, adminToken: deps.adminToken }),
    openApiRouter(),
    pageRouter(),
    paymentsRouter(deps.payments),
    ...(deps.mcp ? [mcpRouter(deps.mcp)] : []),
  ];
  for (const router of routers) app.use(router.routes()).use(router.allowedMethods());
  return app;
}
