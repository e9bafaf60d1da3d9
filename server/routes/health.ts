import Router from '@koa/router';
import type { Context } from 'koa';

export type HealthDetails = Record<string, string | number | boolean>;
type Probe = (signal: AbortSignal) => Promise<void | HealthDetails>;

/**
 * One readiness probe per configured dependency; it throws when the dependency is not usable.
 * It may answer a few figures to report (never personal data), e.g. a queue's backlog. A bare
 * function is a required dependency; `{ required: false }` is reported but never fails readiness
 * (a queue rides out its outage).
 */
export type HealthCheck = Probe | { check: Probe; required: boolean; timeoutMs?: number };
export type HealthChecks = Record<string, HealthCheck>;

/** How long one probe may take before it counts as down. */
export const PROBE_TIMEOUT_MS = 2_000;

async function probe(entry: HealthCheck) {
  const { check, required, timeoutMs } =
    typeof entry === 'function'
      ? { check: entry, required: true, timeoutMs: PROBE_TIMEOUT_MS }
      : { timeoutMs: PROBE_TIMEOUT_MS, ...entry };
  const started = performance.now();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      const error = new Error('timed out');
      error.name = 'TimeoutError';
      reject(error);
    }, timeoutMs);
  });
  const flag = required ? {} : { required: false };
  try {
    const details = await Promise.race([check(abort.signal), timeout]);
    return {
      required,
      result: { ok: true, ms: Math.round(performance.now() - started), ...flag, ...details },
    };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'failed';
    return { required, result: { ok: false, error: name, ...flag } };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /health/live: the process answers (for a restart policy). GET /health/ready and /health:
 * every configured dependency probed at once, 503 when a required one is down.
 */
export function healthRouter({ checks }: { checks: HealthChecks }) {
  const router = new Router();

  router.get('/health/live', (ctx) => {
    ctx.body = { status: 'ok', uptime_s: Math.round(process.uptime()) };
  });

  const ready = async (ctx: Context) => {
    const names = Object.keys(checks);
    const probes = await Promise.all(names.map((name) => probe(checks[name] ?? (async () => {}))));
    const up = probes.every(({ required, result }) => result.ok || !required);
    ctx.status = up ? 200 : 503;
    ctx.body = {
      status: up ? 'ok' : 'unavailable',
      uptime_s: Math.round(process.uptime()),
      checks: Object.fromEntries(names.map((name, i) => [name, probes[i]?.result])),
    };
  };
  router.get('/health', ready);
  router.get('/health/ready', ready);

  return router;
}
