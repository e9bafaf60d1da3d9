import { createRequire } from 'node:module';
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type * as PromClient from 'prom-client';
import { effects as sessionEffects } from '../machines/effects.ts';
import { PAYMENT_REMINDER_QUEUE } from '../machines/payment-link.ts';
import { paymentMachine, type PaymentEffect } from '../machines/payment.machine.ts';
import { sessionMachine } from '../machines/session.machine.ts';
import { RECORDS_QUEUE } from '../tools/airtable/outbox.ts';
import type { Jobs } from '../tools/jobs/port.ts';
import { SMS_QUEUE } from '../tools/sms/sms.ts';
import type { Log } from './log.ts';
import { PAYMENT_EVENTS_QUEUE } from './payments.ts';
import { PHOTO_QUEUE } from './photo-uploads.ts';
import { RETENTION_QUEUE } from './retention.ts';
import { requireAdmin } from './routes/admin.ts';
import { WEBHOOK_PATH } from './routes/payments.ts';
import { TWILIO_STATUS_PATH } from './texts.ts';
import { within } from '../tools/within.ts';

// prom-client's index also loads its default metrics (and OpenTelemetry), the push gateway and the
// cluster aggregator, none used here: ~9 MB and ~0.1 s at start. The four classes, from their files.
const requirePromClient = createRequire(import.meta.url);
const Registry = requirePromClient('prom-client/lib/registry.js') as typeof PromClient.Registry;
const Counter = requirePromClient('prom-client/lib/counter.js') as typeof PromClient.Counter;
const Gauge = requirePromClient('prom-client/lib/gauge.js') as typeof PromClient.Gauge;
const Histogram = requirePromClient('prom-client/lib/histogram.js') as typeof PromClient.Histogram;

/**
 * The values a label may take, fixed when the app is built (the machines' effect names and event
 * types, the queues): anything else is counted as 'other', so no request or family data can ever
 * become a label.
 */
export type MetricLabels = {
  /** Effect names of every persisted machine. */
  effects: readonly string[];
  /** Event types an effect may answer with (its outcome). */
  outcomes: readonly string[];
  /** The job queues whose depth is reported. */
  queues: readonly string[];
  /** Webhook routes by their path, and the type each is counted under. */
  webhooks: Readonly<Record<string, string>>;
};

const PAYMENT_EFFECTS = { createSubscription: true, writeRecord: true } satisfies Record<
  PaymentEffect,
  true
>;

/** The product's fixed label values: its machines' effects and events, its queues and webhooks. */
export const productLabels = (): MetricLabels => ({
  effects: [...Object.keys(sessionEffects), ...Object.keys(PAYMENT_EFFECTS)],
  outcomes: [...sessionMachine.root.events, ...paymentMachine.root.events, 'effect.failed'],
  queues: [
    PHOTO_QUEUE,
    RECORDS_QUEUE,
    SMS_QUEUE,
    PAYMENT_EVENTS_QUEUE,
    PAYMENT_REMINDER_QUEUE,
    RETENTION_QUEUE,
  ],
  webhooks: { [WEBHOOK_PATH]: 'gocardless', [TWILIO_STATUS_PATH]: 'twilio' },
});

/** What the model interpreter reports as a problem, and the error names a call may fail with. */
const MODEL_PROBLEMS = [
  'ok',
  'refused',
  'incomplete',
  'invalid',
  'tooManyToolRounds',
  'ToolUnavailableError',
  'TimeoutError',
  'AbortError',
];
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
/** How long a scrape waits for one queue's counts. */
const QUEUE_TIMEOUT_MS = 1_000;
const TURN_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Routine numbers are small integers; a parent outside a registration is 'none'. */
const MAX_ROUTINE = 99;

export type Metrics = {
  /** This app's own registry (several apps in one process never share series). */
  registry: PromClient.Registry;
  /** The first middleware (outside the error boundary, so it sees the final status). */
  http: Middleware;
  /** The log, with the metrics read off its events (effects, turns, model use, job retries). */
  observe(log: Log): Log;
  /** Reports the depth of these queues through the jobs port at each scrape. */
  watchQueues(jobs: Jobs): void;
};

const oneOf = (allowed: ReadonlySet<string>, value: unknown) =>
  typeof value === 'string' && allowed.has(value) ? value : 'other';

const routineLabel = (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_ROUTINE
    ? String(value)
    : 'none';

const count = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;

/** The router's pattern for the request (e.g. /upload-status/:sessionId), never its raw path. */
function routeOf(ctx: Context): string {
  const matched: unknown = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  return typeof matched === 'string' ? matched : 'unmatched';
}

/** The Prometheus series of one app, on its own registry. */
export function createMetrics(labels: MetricLabels): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const effects = new Set(labels.effects);
  const outcomes = new Set(labels.outcomes);
  const queues = new Set(labels.queues);
  const problems = new Set(MODEL_PROBLEMS);

  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route pattern, method and status',
    labelNames: ['route', 'method', 'status'],
    registers,
  });
  const requestSeconds = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route pattern',
    labelNames: ['route', 'method'],
    buckets: TURN_BUCKETS,
    registers,
  });
  const turnSeconds = new Histogram({
    name: 'chat_turn_duration_seconds',
    help: 'Chat turn duration by the routine the parent was answering',
    labelNames: ['routine'],
    buckets: TURN_BUCKETS,
    registers,
  });
  const effectRuns = new Counter({
    name: 'effects_total',
    help: 'Effects run by machine, effect and outcome (the event it answered, or unavailable/bug)',
    labelNames: ['machine', 'effect', 'outcome'],
    registers,
  });
  const webhooks = new Counter({
    name: 'webhooks_total',
    help: 'Webhooks received by type and outcome (accepted, rejected, failed)',
    labelNames: ['type', 'outcome'],
    registers,
  });
  const jobRetries = new Counter({
    name: 'jobs_attempts_failed_total',
    help: 'Failed job attempts by queue and whether the job is retried',
    labelNames: ['queue', 'retrying'],
    registers,
  });
  const modelCalls = new Counter({
    name: 'model_calls_total',
    help: 'Model requests by outcome',
    labelNames: ['outcome'],
    registers,
  });
  const modelTokens = new Counter({
    name: 'model_tokens_total',
    help: 'Model tokens by direction (input, output)',
    labelNames: ['direction'],
    registers,
  });
  const modelFallbacks = new Counter({
    name: 'model_fallbacks_total',
    help: 'Turns the offline interpreter answered after the model failed, by problem',
    labelNames: ['problem'],
    registers,
  });
  // Every queue shows, at 0, before its first job.
  for (const queue of queues) jobRetries.inc({ queue, retrying: 'true' }, 0);

  const machine = (value: unknown) =>
    value === 'session' || value === 'payment' ? value : 'other';

  /** Each log event that is also a measurement; its data is read for fixed labels only. */
  const onEvent: Record<string, (data: Record<string, unknown>) => void> = {
    'effect.done': (data) =>
      effectRuns.inc({
        machine: machine(data.machine),
        effect: oneOf(effects, data.effect),
        outcome: oneOf(outcomes, data.outcome),
      }),
    'effect.failed': (data) =>
      effectRuns.inc({
        machine: machine(data.machine),
        effect: oneOf(effects, data.effect),
        outcome: 'unavailable',
      }),
    'effect.crashed': (data) =>
      effectRuns.inc({
        machine: machine(data.machine),
        effect: oneOf(effects, data.effect),
        outcome: 'bug',
      }),
    'turn.completed': (data) => {
      if (typeof data.ms !== 'number') return;
      turnSeconds.observe({ routine: routineLabel(data.from) }, data.ms / 1000);
    },
    'llm.usage': (data) => {
      modelCalls.inc({ outcome: oneOf(problems, data.outcome) }, count(data.calls));
      modelTokens.inc({ direction: 'input' }, count(data.inputTokens));
      modelTokens.inc({ direction: 'output' }, count(data.outputTokens));
    },
    'llm.fallback': (data) => modelFallbacks.inc({ problem: oneOf(problems, data.problem) }),
    'jobs.attempt_failed': (data) =>
      jobRetries.inc({
        queue: oneOf(queues, data.queue),
        retrying: data.retrying === true ? 'true' : 'false',
      }),
  };

  const http: Middleware = async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = routeOf(ctx);
      requests.inc({ route, method: ctx.method, status: String(ctx.status) });
      requestSeconds.observe({ route, method: ctx.method }, (performance.now() - started) / 1000);
      const type = labels.webhooks[route];
      if (type) {
        const outcome = ctx.status < 300 ? 'accepted' : ctx.status < 500 ? 'rejected' : 'failed';
        webhooks.inc({ type, outcome });
      }
    }
  };

  return {
    registry,
    http,
    observe: (log) => (event, data) => {
      const measure = onEvent[event];
      if (measure) {
        try {
          measure(data ?? {});
        } catch {
          // A measurement never breaks the work it measures.
        }
      }
      log(event, data);
    },
    watchQueues(jobs) {
      // A queue store that does not answer leaves its series out rather than holding the scrape.
      const depth = (queue: string) =>
        within(jobs.counts(queue), QUEUE_TIMEOUT_MS).catch(() => null);
      new Gauge({
        name: 'jobs_queue_depth',
        help: 'Jobs per queue and state, read from the queue at each scrape',
        labelNames: ['queue', 'state'],
        registers,
        async collect() {
          this.reset();
          const names = [...queues];
          const all = await Promise.all(names.map(depth));
          names.forEach((queue, i) => {
            const counts = all[i];
            if (!counts) return;
            for (const state of QUEUE_STATES) this.set({ queue, state }, counts[state]);
          });
        },
      });
    },
  };
}

/** GET /metrics for Prometheus, behind the admin token (as the admin routes). */
export function metricsRouter({
  metrics,
  adminToken,
}: {
  metrics: Metrics;
  adminToken: string | null;
}) {
  const router = new Router();
  router.get('/metrics', requireAdmin(adminToken), async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  return router;
}
