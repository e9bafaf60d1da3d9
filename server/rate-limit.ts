import type { Middleware } from 'koa';
import { HttpError } from './http-errors.ts';

export type RateLimitOptions = {
  /** Requests allowed per client address in each window. */
  max: number;
  windowMs: number;
  now?: () => number;
};

/**
 * A small fixed-window limiter per client address, in this process only: enough to stop one
 * phone (or script) hammering the chat. Behind a proxy, set TRUST_PROXY so `ctx.ip` is the client.
 */
export function rateLimit({ max, windowMs, now = Date.now }: RateLimitOptions): Middleware {
  const windows = new Map<string, { startedAt: number; count: number }>();
  let sweptAt = now();
  return async (ctx, next) => {
    const time = now();
    if (time - sweptAt > windowMs) {
      for (const [ip, window] of windows)
        if (time - window.startedAt >= windowMs) windows.delete(ip);
      sweptAt = time;
    }
    const current = windows.get(ctx.ip);
    const window =
      current && time - current.startedAt < windowMs ? current : { startedAt: time, count: 0 };
    window.count += 1;
    windows.set(ctx.ip, window);
    if (window.count > max) {
      ctx.set('Retry-After', String(Math.ceil((window.startedAt + windowMs - time) / 1000)));
      throw new HttpError(429, 'rate_limited', `More than ${max} requests in ${windowMs / 1000} s`);
    }
    await next();
  };
}
