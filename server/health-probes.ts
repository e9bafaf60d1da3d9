import type { Jobs } from '../tools/jobs/port.ts';
import type { Config } from './config.ts';
import type { HealthChecks, HealthDetails } from './routes/health.ts';

/** A dependency that did not answer, or answered with a server error. */
export class DependencyDownError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DependencyDownError';
  }
}

/**
 * Whether a service's API answers at all: any HTTP answer below 500 counts (a 401 to a request
 * without credentials too). No credentials are sent and nothing is read from the answer.
 */
export async function answers(url: string, signal: AbortSignal): Promise<HealthDetails> {
  let status: number;
  try {
    const response = await fetch(url, { signal, redirect: 'manual' });
    status = response.status;
    await response.body?.cancel();
  } catch (cause) {
    throw new DependencyDownError('no answer', { cause });
  }
  if (status >= 500) throw new DependencyDownError(`answered ${status}`);
  return { reachable: true };
}

/** A queue backlog beyond this is reported as not ready (jobs pile up faster than they run). */
export const QUEUE_BACKLOG_LIMIT = 1_000;

/**
 * The outside services that are configured, as optional readiness probes (the flow rides out
 * their outages: effects report them unavailable, queues retry), and the queues' backlog.
 */
export function serviceChecks(config: Config, jobs: Jobs, queues: readonly string[]): HealthChecks {
  const optional = (check: (signal: AbortSignal) => Promise<void | HealthDetails>) => ({
    check,
    required: false,
  });
  const { gocardless, twilio, s3 } = config;
  const gocardlessUrl =
    gocardless?.baseUrl ??
    (gocardless?.environment === 'live'
      ? 'https://api.gocardless.com'
      : 'https://api-sandbox.gocardless.com');
  return {
    queues: optional(async () => {
      const all = await Promise.all(queues.map((queue) => jobs.counts(queue)));
      const backlog = all.reduce((sum, c) => sum + c.waiting + c.delayed + c.active, 0);
      const failed = all.reduce((sum, c) => sum + c.failed, 0);
      if (backlog > QUEUE_BACKLOG_LIMIT) throw new DependencyDownError(`backlog ${backlog}`);
      return { backlog, failed };
    }),
    ...(gocardless ? { gocardless: optional((signal) => answers(gocardlessUrl, signal)) } : {}),
    ...(twilio
      ? {
          twilio: optional((signal) => answers(twilio.baseUrl ?? 'https://api.twilio.com', signal)),
        }
      : {}),
    ...(s3
      ? {
          s3: optional((signal) =>
            answers(s3.endpoint ?? `https://s3.${s3.region}.amazonaws.com`, signal),
          ),
        }
      : {}),
  };
}
