import type { Context, Middleware } from 'koa';
import type { RateLimiter } from '../tools/rate-limit/port.ts';
import { ToolUnavailableError } from '../tools/tool.ts';
import { HttpError } from './http-errors.ts';
import type { Log } from './log.ts';

/**
 * Requests per client address, counted by a limiter every instance shares (Redis when configured).
 * Behind a proxy, set TRUST_PROXY so `ctx.ip` is the client. A limiter that cannot be reached lets
 * the request through: the parent is not turned away for the limiter's sake.
 */
export function rateLimit(limiter: RateLimiter, log: Log): Middleware {
  return async (ctx, next) => {
    let decision: Awaited<ReturnType<RateLimiter['consume']>> = { allowed: true };
    try {
      decision = await limiter.consume(ctx.ip);
    } catch (error) {
      if (!(error instanceof ToolUnavailableError)) throw error;
      log('rate_limit.unavailable', {});
    }
    if (!decision.allowed) {
      ctx.set('Retry-After', String(Math.ceil(decision.retryAfterMs / 1000)));
      throw new HttpError(429, 'rate_limited', 'Too many requests from this address');
    }
    await next();
  };
}

const TOO_MANY_SESSIONS =
  "You've started a lot of new chats. Please carry on in the chat you have open, or try again later.";

/**
 * Counts one new session for the client address and in all: sessions are bounded in number
 * (at most MAX_NEW_SESSIONS_PER_HOUR × the session TTL) and one address cannot fill the store.
 */
export function newSessionLimit(perAddress: RateLimiter, inAll: RateLimiter, log: Log) {
  return async (ctx: Context) => {
    for (const [limiter, key] of [
      [perAddress, ctx.ip],
      [inAll, 'all'],
    ] as const) {
      let decision: Awaited<ReturnType<RateLimiter['consume']>> = { allowed: true };
      try {
        decision = await limiter.consume(key);
      } catch (error) {
        if (!(error instanceof ToolUnavailableError)) throw error;
        log('rate_limit.unavailable', {});
      }
      if (!decision.allowed) {
        ctx.set('Retry-After', String(Math.ceil(decision.retryAfterMs / 1000)));
        throw new HttpError(429, 'too_many_sessions', 'Too many new sessions', {
          response: TOO_MANY_SESSIONS,
        });
      }
    }
  };
}
