import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { InstanceTooLargeError } from '../machines/runner.ts';
import { CommitTooLateError, InstanceBusyError } from '../tools/snapshots/port.ts';
import { ToolUnavailableError } from '../tools/tool.ts';
import { describeError, type Log } from './log.ts';

/** The sentence a parent sees for each kind of failure (the club frontend shows only this). */
const KIND_RESPONSES: Record<number, string> = {
  400: "Sorry, I couldn't read that. Please check your message and send it again.",
  401: 'Sorry, this page is only for club administrators.',
  403: 'Sorry, this page is only for club administrators.',
  404: "Sorry, I couldn't find that. Please refresh the page and try again.",
  405: "Sorry, I couldn't read that. Please refresh the page and try again.",
  409: "I'm still working on your previous message. Please send that again in a moment.",
  413: 'That is too big for me to read. Please send something smaller.',
  415: "Sorry, I couldn't read that. Please refresh the page and try again.",
  429: "You're sending messages very quickly. Please wait a minute and try again.",
  500: 'Sorry, something went wrong on our side. Please send your last message again in a minute.',
  503: 'Sorry, registration is unavailable just now. Please try again in a few minutes.',
};

const kindResponse = (status: number) =>
  KIND_RESPONSES[status] ?? KIND_RESPONSES[status >= 500 ? 500 : 400] ?? '';

/** An error whose status, code and message are safe to show to the client. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  /** The sentence for the parent; a kind default for the status when not given. */
  readonly response: string;
  constructor(
    status: number,
    code: string,
    message: string,
    options?: { cause?: unknown; response?: string },
  ) {
    super(message, options);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.response = options?.response ?? kindResponse(status);
  }
}

/** Parse untrusted input or fail the request with 400; request data is never cast. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new HttpError(400, 'invalid_request', z.prettifyError(result.error), {
      cause: result.error,
    });
  }
  return result.data;
}

/** Body-parser failures, by the `type` raw-body gives them; their messages may quote the body. */
const BODY_ERRORS: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, 'invalid_json', 'The request body is not valid JSON'],
  'entity.too.large': [413, 'too_large', 'The request body is too large'],
  'encoding.unsupported': [415, 'unsupported_encoding', 'The request encoding is not supported'],
  'request.aborted': [400, 'request_aborted', 'The request was aborted'],
  'request.size.invalid': [400, 'invalid_request', 'The request size did not match its header'],
};

const ThirdPartyError = z.object({
  type: z.string().optional(),
  status: z.int().min(400).max(499).optional(),
  httpCode: z.int().optional(),
  code: z.union([z.number(), z.string()]).optional(),
});

/** Formidable's own codes for upload limits (formidable/src/FormidableError.js). */
const TOO_BIG_UPLOAD = new Set([1009, 1016]);

function fromThirdParty(error: unknown): HttpError | null {
  const parsed = ThirdPartyError.safeParse(error);
  if (!parsed.success) return null;
  const { type, status, httpCode, code } = parsed.data;
  const known = type ? BODY_ERRORS[type] : undefined;
  if (known) return new HttpError(known[0], known[1], known[2], { cause: error });
  if (error instanceof SyntaxError && status === 400) {
    return new HttpError(400, 'invalid_json', 'The request body is not valid JSON', {
      cause: error,
    });
  }
  if (httpCode !== undefined && typeof code === 'number') {
    return TOO_BIG_UPLOAD.has(code)
      ? new HttpError(413, 'photo_too_large', 'The file is larger than 10 MB', {
          cause: error,
          response: 'That photo is too big. Please choose one under 10 MB.',
        })
      : new HttpError(400, 'invalid_upload', 'The upload could not be read', { cause: error });
  }
  if (status !== undefined) return new HttpError(status, 'invalid_request', 'Bad request');
  return null;
}

/** A body whose Content-Encoding does not decode (zlib's and brotli's own error codes). */
function isCorruptEncoding(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(Z_|ERR_ZLIB|ERR__|ERR_BROTLI)/.test(code);
}

export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof CommitTooLateError) {
    return new HttpError(
      503,
      'turn_timeout',
      'The turn ended after its deadline and was not applied',
      {
        cause: error,
      },
    );
  }
  if (error instanceof InstanceTooLargeError) {
    return new HttpError(413, 'session_too_large', error.message, {
      cause: error,
      response: 'This chat has grown too long. Please start a new one in a new tab.',
    });
  }
  if (isCorruptEncoding(error)) {
    return new HttpError(400, 'invalid_encoding', 'The request body does not decode', {
      cause: error,
    });
  }
  if (error instanceof InstanceBusyError) {
    return new HttpError(409, 'session_busy', error.message, { cause: error });
  }
  if (error instanceof ToolUnavailableError) {
    return new HttpError(503, 'unavailable', `${error.service} is unavailable`, { cause: error });
  }
  return (
    fromThirdParty(error) ??
    new HttpError(500, 'internal', 'Something went wrong', { cause: error })
  );
}

/** The routes a parent's page calls: their failures are chat replies to a browser (see below). */
const PARENT_ROUTE = /^\/(chat|upload|upload-async|upload-status\/[^/]*|conversation)$/;

/**
 * Whether a failure is answered 200 as a chat reply: on a parent's route, to a web page (a
 * browser's request carries `Origin`, as the club frontend's always do). That frontend throws on
 * any other status and shows the raw body; API clients (no `Origin`) keep the real status. Either
 * way the body is the same and `error` says what happened.
 */
const answersAsReply = (ctx: Context) => PARENT_ROUTE.test(ctx.path) && ctx.get('Origin') !== '';

/** The body of a failure: the sentence, what happened, and the reply's fields left unchanged. */
export function failureBody(ctx: Context, http: HttpError) {
  return {
    error: { code: http.code, message: http.message, status: http.status },
    response: http.response,
    // null: the club frontend keeps its own hints; a poll that failed is over.
    last_agent: null,
    routine_number: null,
    ...(ctx.path.startsWith('/upload-status/') ? { complete: true } : {}),
  };
}

const statusCode = (status: number) =>
  ({ 404: 'not_found', 405: 'method_not_allowed', 501: 'not_implemented' })[status] ?? 'error';

/**
 * First middleware: every failure becomes `{ error: { code, message, status }, response, … }`
 * (200 to a parent's page, else `status`); unexpected
 * ones go to app 'error' (logged once there). Also writes the one `http.request` line per request,
 * except for a request whose route wrote its own line and answered 200 (a chat turn's
 * `turn.completed`: the same request twice would be the busiest route's log written twice).
 */
export function errorBoundary(log: Log): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    let code: string | undefined;
    /** The status a failure stands for, when it was answered 200 to a parent's page. */
    let errorStatus: number | undefined;
    try {
      await next();
      if (ctx.status >= 400 && ctx.body == null) {
        throw new HttpError(ctx.status, statusCode(ctx.status), `${ctx.method} ${ctx.path}`);
      }
    } catch (error) {
      // A parent who hung up aborted the turn on purpose: nothing to answer, nothing to alarm.
      const hungUp = ctx.req.socket.destroyed;
      const http = hungUp
        ? new HttpError(400, 'client_closed', 'The client hung up')
        : toHttpError(error);
      if (answersAsReply(ctx)) errorStatus = http.status;
      ctx.status = errorStatus === undefined ? http.status : 200;
      ctx.body = failureBody(ctx, http);
      code = http.code;
      if (http.status >= 500) ctx.app.emit('error', error, ctx);
    } finally {
      const ms = Math.round(performance.now() - started);
      const { method, path, status } = ctx;
      if (!(status === 200 && code === undefined && ctx.state[LOGGED] === true)) {
        log('http.request', {
          method,
          path,
          status,
          code,
          ...(errorStatus && { errorStatus }),
          ms,
        });
      }
    }
  };
}

/** Where a route says it wrote the request's log line itself (see errorBoundary). */
const LOGGED = 'loggedByRoute';

/** The route wrote this request's line (a turn's `turn.completed`): the boundary adds none if it succeeds. */
export function loggedByRoute(ctx: Context) {
  ctx.state[LOGGED] = true;
}

/** Logs an unexpected failure once, with nothing from the request but its route. */
export const logAppError = (log: Log) => (error: unknown, ctx?: { path?: string }) =>
  log('http.failed', {
    ...(error instanceof HttpError ? { code: error.code } : describeError(error)),
    path: ctx?.path,
  });
