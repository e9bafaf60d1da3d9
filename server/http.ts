import type { Context } from 'koa';
import { HttpError } from './http-errors.ts';

/** How long one turn may take before the parent is told to try again (LLM retries included). */
export const TURN_DEADLINE_MS = 30_000;

/** An AbortSignal that fires when the client hangs up before the response is written. */
export function hangUpSignal(ctx: Context): AbortSignal {
  const hangUp = new AbortController();
  ctx.res.once('close', () => {
    if (!ctx.res.writableFinished) hangUp.abort();
  });
  return hangUp.signal;
}

/**
 * Runs `work` with a signal that fires on hang-up or at the deadline; past the deadline the parent
 * gets a 503 at once rather than a request that never ends (e.g. while Redis is unreachable).
 */
export async function withinDeadline<T>(
  ctx: Context,
  deadlineMs: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = AbortSignal.timeout(deadlineMs);
  const late = new Promise<never>((_, reject) => {
    deadline.addEventListener('abort', () => {
      reject(new HttpError(503, 'turn_timeout', `The turn took longer than ${deadlineMs} ms`));
    });
  });
  return Promise.race([work(AbortSignal.any([hangUpSignal(ctx), deadline])), late]);
}

/** Fails with 415 unless the request has a body of `type`. */
export function requireBodyType(ctx: Context, type: 'json' | 'multipart', response?: string) {
  if (!ctx.is(type)) {
    throw new HttpError(415, 'unsupported_media_type', `The body must be ${type}`, {
      ...(response ? { response } : {}),
    });
  }
}
