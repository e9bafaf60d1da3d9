import Router from '@koa/router';

/**
 * One readiness probe per configured dependency; it throws when the dependency is not usable.
 * It may answer a few figures to report (never personal data), e.g. a queue's backlog.
 */
export type HealthChecks = Record<string, () => Promise<void | HealthDetails>>;
export type HealthDetails = Record<string, string | number | boolean>;

const TIMEOUT_MS = 2_000;

async function probe(check: () => Promise<void | HealthDetails>) {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), TIMEOUT_MS);
  });
  try {
    const details = await Promise.race([check(), timeout]);
    return { ok: true, ms: Math.round(performance.now() - started), ...details };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.name : 'failed' };
  } finally {
    clearTimeout(timer);
  }
}

/** GET /health: alive if it answers at all; ready (200) only if every dependency answers. */
export function healthRouter({ checks }: { checks: HealthChecks }) {
  const router = new Router();

  router.get('/health', async (ctx) => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((name) => probe(checks[name] ?? (async () => {}))));
    const ready = results.every((result) => result.ok);
    ctx.status = ready ? 200 : 503;
    ctx.body = {
      status: ready ? 'ok' : 'unavailable',
      uptime_s: Math.round(process.uptime()),
      checks: Object.fromEntries(names.map((name, i) => [name, results[i]])),
    };
  });

  return router;
}
