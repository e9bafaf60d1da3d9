import type { Context } from 'koa';
import { Canceller, type Cancellation } from '../tools/cancellation.ts';
import { HttpError } from './http-errors.ts';

/** How long one turn may take before the parent is told to try again (LLM retries included). */
export const TURN_DEADLINE_MS = 30_000;

/** How long before the parent's deadline a save must be applied (the reply's time to arrive). */
export const commitMarginMs = (deadlineMs: number) => Math.min(1_000, Math.round(deadlineMs / 5));

/**
 * Runs `work` with a cancellation that aborts on hang-up or at the deadline; past the deadline the
 * parent gets a 503 at once rather than a request that never ends (e.g. while Redis is
 * unreachable). `notAfter` (epoch ms) is when the turn's save must be applied or not at all: a
 * little before the deadline, so that a save applied in time has time to report back and a 503
 * always means "not applied", even when the store was frozen with the save in flight.
 */
export async function withinDeadline<T>(
  ctx: Context,
  deadlineMs: number,
  work: (cancel: Cancellation, notAfter: number) => Promise<T>,
): Promise<T> {
  const notAfter = Date.now() + deadlineMs - commitMarginMs(deadlineMs);
  // One cancellation, aborted by whichever comes first, the hang-up or the deadline; its signal is
  // made only if the work asks for one. The timer is cleared and the listener removed as soon as
  // the turn settles: AbortSignal.timeout would live on for the whole deadline after every
  // request, keeping the request reachable.
  const turn = new Canceller();
  const { res } = ctx;
  const onClose = () => {
    if (!res.writableFinished) turn.abort();
  };
  res.on('close', onClose);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<T>((resolve, reject) => {
      timer = setTimeout(() => {
        turn.abort(new DOMException('The turn took too long', 'TimeoutError'));
        reject(new HttpError(503, 'turn_timeout', `The turn took longer than ${deadlineMs} ms`));
      }, deadlineMs);
      timer.unref();
      // The work goes on after a 503 only to find it must not save: its failure then is expected,
      // and settles nothing (the promise is settled already).
      work(turn, notAfter).then(resolve, reject);
    });
  } finally {
    clearTimeout(timer);
    res.off('close', onClose);
  }
}

/** Fails with 415 unless the request has a body of `type`. */
export function requireBodyType(ctx: Context, type: 'json' | 'multipart', response?: string) {
  if (!ctx.is(type)) {
    throw new HttpError(415, 'unsupported_media_type', `The body must be ${type}`, {
      ...(response ? { response } : {}),
    });
  }
}
