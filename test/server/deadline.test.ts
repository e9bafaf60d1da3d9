import { EventEmitter } from 'node:events';
import type { Context } from 'koa';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../server/http-errors.ts';
import { withinDeadline } from '../../server/http.ts';
import type { Cancellation } from '../../tools/cancellation.ts';
import { countAbortControllers } from '../support/abort-controllers.ts';

/** A request's context as withinDeadline sees it: the response, which closes. */
function fakeContext() {
  const res = Object.assign(new EventEmitter(), { writableFinished: false });
  return { ctx: { res } as unknown as Context, res };
}

/** Work that waits for its signal to abort, and says why. */
const untilAborted = (signal: AbortSignal) =>
  new Promise<unknown>((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
  );

describe('withinDeadline', () => {
  it('answers what the work answers and leaves nothing on the response', async () => {
    const { ctx, res } = fakeContext();
    const before = res.listenerCount('close');
    expect(await withinDeadline(ctx, 1_000, async () => 'done')).toBe('done');
    expect(res.listenerCount('close')).toBe(before);
  });

  it('aborts the work when the client hangs up', async () => {
    const { ctx, res } = fakeContext();
    let seen: AbortSignal | undefined;
    const turn = withinDeadline(ctx, 1_000, (cancel) => {
      seen = cancel.signal;
      return untilAborted(cancel.signal);
    });
    res.emit('close');
    await expect(turn).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen?.aborted).toBe(true);
  });

  it('does not abort the work when the response closes after it was written', async () => {
    const { ctx, res } = fakeContext();
    let seen: AbortSignal | undefined;
    const turn = withinDeadline(ctx, 1_000, async (cancel) => {
      seen = cancel.signal;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return 'done';
    });
    res.writableFinished = true;
    res.emit('close');
    expect(await turn).toBe('done');
    expect(seen?.aborted).toBe(false);
  });

  it('answers 503 at the deadline and aborts the work with a TimeoutError', async () => {
    const { ctx, res } = fakeContext();
    let seen: AbortSignal | undefined;
    // Work that does not stop when told (e.g. a store that does not answer).
    const turn = withinDeadline(ctx, 50, (cancel, notAfter) => {
      seen = cancel.signal;
      expect(notAfter).toBeLessThan(Date.now() + 50);
      return new Promise<never>(() => {});
    });
    await expect(turn).rejects.toBeInstanceOf(HttpError);
    await expect(turn).rejects.toMatchObject({ status: 503, code: 'turn_timeout' });
    expect((seen?.reason as Error).name).toBe('TimeoutError');
    expect(res.listenerCount('close')).toBe(0);
  });

  it('makes no AbortSignal for work that never asks for one, yet tells it of a hang-up', async () => {
    const { ctx, res } = fakeContext();
    const controllers = countAbortControllers();
    let kept: Cancellation | undefined;
    try {
      const answer = await withinDeadline(ctx, 1_000, async (cancel) => {
        kept = cancel;
        res.emit('close');
        return cancel.aborted;
      });
      expect(answer).toBe(true);
      expect(controllers.made()).toBe(0);
      expect(() => kept?.throwIfAborted()).toThrow(expect.objectContaining({ name: 'AbortError' }));
      // Asked for after the hang-up: a signal that has aborted already, for the same reason.
      const signal = kept?.signal;
      expect(signal?.aborted).toBe(true);
      expect((signal?.reason as Error).name).toBe('AbortError');
      expect(kept?.signal).toBe(signal);
      expect(controllers.made()).toBe(1);
    } finally {
      controllers.stop();
    }
  });

  it('keeps the first reason when the deadline passes after a hang-up', async () => {
    const { ctx, res } = fakeContext();
    let kept: Cancellation | undefined;
    const turn = withinDeadline(ctx, 30, (cancel) => {
      kept = cancel;
      return new Promise<never>(() => {});
    });
    res.emit('close');
    await expect(turn).rejects.toMatchObject({ status: 503, code: 'turn_timeout' });
    expect((kept?.signal.reason as Error).name).toBe('AbortError');
  });
});
