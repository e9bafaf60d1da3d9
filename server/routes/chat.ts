import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import {
  SessionId,
  type ChatService,
  type ClientHint,
  type TurnProgress,
  type TurnResult,
} from '../../machines/chat-service.ts';
import { failureBody, HttpError, loggedByRoute, parseOr400, toHttpError } from '../http-errors.ts';
import { requireBodyType, withinDeadline } from '../http.ts';
import { SnapshotIncompatibleError } from '../../machines/runner.ts';
import type { Log } from '../log.ts';
import { requireStrongSessionId } from '../session-id.ts';

/** A UTF-16 surrogate without its pair: no character at all (JSON's \\ud800 escapes make one). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** What the body decoder puts for bytes that are not UTF-8: the body did not decode. */
const REPLACEMENT = '\uFFFD';

/** Text that decoded: valid UTF-8 on the wire and valid Unicode once read (else a 400). */
const Text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((text) => !text.includes(REPLACEMENT), 'the text is not valid UTF-8')
    .refine((text) => !LONE_SURROGATE.test(text), 'the text is not valid Unicode');

/** The frontend's own idea of where the chat is: accepted loosely, never used to move a session. */
export const Hints = z.object({
  last_agent: Text(100).nullish(),
  routine_number: z.union([z.number(), Text(100)]).nullish(),
});
type Hints = z.infer<typeof Hints>;

/** The longest message read (the built-in page's box stops there; the club frontend does not). */
export const MAX_MESSAGE_CHARS = 2_000;

/** The body POST /chat validates (also the OpenAPI document's request schema). */
export const ChatBody = Hints.extend({
  user_message: Text(MAX_MESSAGE_CHARS).trim().min(1),
  session_id: SessionId.nullish(),
});

/** The fields every chat-like answer carries, in the club frontend's names. */
export const turnFields = (turn: TurnResult) => ({
  response: turn.reply,
  last_agent: turn.agent,
  routine_number: turn.routineNumber,
});

/** A message over the limit is refused with a sentence asking for a shorter one, not a bare 400. */
function refuseTooLong(body: unknown) {
  const text =
    typeof body === 'object' && body !== null
      ? (body as { user_message?: unknown }).user_message
      : null;
  if (typeof text !== 'string' || text.length <= MAX_MESSAGE_CHARS) return;
  const count = (n: number) => n.toLocaleString('en-GB');
  throw new HttpError(
    400,
    'message_too_long',
    `user_message has ${text.length} characters; at most ${MAX_MESSAGE_CHARS} are read`,
    {
      response:
        `Sorry, that message is too long for me (${count(text.length)} characters; I can read ` +
        `up to ${count(MAX_MESSAGE_CHARS)}). Could you send a shorter one? Just the answer to ` +
        'my last question is plenty.',
    },
  );
}

const NO_CONVERSATION =
  "I can't find your earlier messages (the chat may have expired). Please send your registration code to start again.";

/**
 * The session a transcript is for, from `Authorization: Bearer <session_id>`: the id is the
 * chat's secret, so it is never put in the URL (logs, history, referrers).
 */
function bearerSessionId(ctx: Context): SessionId {
  const token = /^Bearer (\S+)$/.exec(ctx.get('Authorization'))?.[1];
  if (!token) {
    ctx.set('WWW-Authenticate', 'Bearer');
    throw new HttpError(401, 'missing_session', 'Send Authorization: Bearer <session_id>', {
      response: NO_CONVERSATION,
    });
  }
  const sessionId = parseOr400(SessionId, token);
  requireStrongSessionId(sessionId);
  return sessionId;
}

/** The routine the client says it was on, if it says: the only use a hint has is to spot a resend. */
function hintOf(hints: Hints): ClientHint {
  if (hints.routine_number === undefined) return {};
  if (hints.routine_number === null || hints.routine_number === '') return { routineNumber: null };
  const number = Number(hints.routine_number);
  return Number.isInteger(number) ? { routineNumber: number } : {};
}

/** Notes (at debug level) a client whose idea of the routine was not the machine's. */
function noteHints(log: Log, hints: Hints, turn: TurnResult) {
  const hinted = hints.routine_number == null ? null : Number(hints.routine_number);
  if (hinted === null || hinted === turn.routineNumber) return;
  const agentMatches = hints.last_agent == null || hints.last_agent === turn.agent;
  log('chat.hint_ignored', {
    sessionId: turn.sessionId,
    hintedRoutine: Number.isFinite(hinted) ? hinted : 'not a number',
    routine: turn.routineNumber,
    agentMatches,
  });
}

/** Whether the client asked for the turn as server-sent events rather than one JSON body. */
export const wantsStream = (ctx: Context) =>
  // Negotiated only when the client names event streams at all (most requests do not).
  ctx.get('Accept').toLowerCase().includes('text/event-stream') &&
  ctx.accepts('application/json', 'text/event-stream') === 'text/event-stream';

/** A turn's progress as an SSE event: `understood`, `effect.started` or `effect.finished`. */
function progressEvent(progress: TurnProgress): [string, Record<string, unknown>] {
  if (progress.type === 'understood') {
    return ['understood', { event: progress.event, routine: progress.routine }];
  }
  return progress.phase === 'started'
    ? ['effect.started', { effect: progress.effect }]
    : ['effect.finished', { effect: progress.effect, outcome: progress.outcome }];
}

/**
 * Answers a turn as server-sent events: its progress as it happens, then `reply` whose data is the
 * very body the plain call answers, or `error` whose data is the plain call's error body. A client
 * that hangs up aborts the turn as it aborts a plain call (nothing is saved).
 */
async function streamTurn(
  ctx: Context,
  run: (onProgress: (progress: TurnProgress) => void) => Promise<Record<string, unknown>>,
) {
  ctx.status = 200;
  ctx.respond = false;
  const res = ctx.res;
  // The app's headers (CORS, no-store, nosniff) were set on res already and go out with these.
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'X-Accel-Buffering': 'no',
  });
  const send = (event: string, data: unknown) => {
    if (res.writableEnded || res.destroyed) return;
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  try {
    const body = await run((progress) => send(...progressEvent(progress)));
    send('reply', body);
  } catch (error) {
    // A parent who hung up: the boundary records it as it records a plain call's hang-up.
    if (ctx.req.socket.destroyed) throw error;
    const http = toHttpError(error);
    send('error', failureBody(ctx, http));
    if (http.status >= 500) ctx.app.emit('error', error, ctx);
  } finally {
    res.end();
  }
}

export type ChatRouterDeps = {
  chat: ChatService;
  log: Log;
  limit: Middleware;
  /** How long a turn may take before the parent gets a 503. */
  deadlineMs: number;
  /** Counts a new session for the client (a 429 when it has started too many). */
  admitNewSession: (ctx: Context) => Promise<void>;
};

/** POST /chat: one parent message, one turn of the session machine. */
export function chatRouter(deps: ChatRouterDeps) {
  const { chat, log, limit, deadlineMs } = deps;
  const router = new Router();

  router.post('/chat', limit, async (ctx) => {
    requireBodyType(ctx, 'json');
    refuseTooLong(ctx.request.body);
    const body = parseOr400(ChatBody, ctx.request.body);
    if (body.session_id) requireStrongSessionId(body.session_id);
    const sessionId = body.session_id ?? SessionId.parse(`session-${randomUUID()}`);
    const answer = async (onProgress?: (progress: TurnProgress) => void) => {
      const turn = await withinDeadline(ctx, deadlineMs, (cancel, notAfter) =>
        chat.reply({
          sessionId,
          text: body.user_message,
          hint: hintOf(body),
          cancel,
          notAfter,
          // Counted only for a session not stored yet, inside its turn: no extra read per message.
          admitNew: () => deps.admitNewSession(ctx),
          ...(onProgress ? { onProgress } : {}),
        }),
      );
      noteHints(log, body, turn);
      // The literal key first (see savedInstance in tools/snapshots/port.ts): one hidden class.
      return { session_id: sessionId, ...turnFields(turn) };
    };
    if (wantsStream(ctx)) return streamTurn(ctx, answer);
    ctx.body = await answer();
    // The turn wrote its line (turn.completed, or turn.resend for a resend answered again).
    loggedByRoute(ctx);
  });

  router.get('/conversation', limit, async (ctx) => {
    const sessionId = bearerSessionId(ctx);
    const found = await withinDeadline(ctx, deadlineMs, () =>
      chat.transcript(sessionId).catch((error: unknown) => {
        // A session stored by an older version: its next message restarts it politely.
        if (error instanceof SnapshotIncompatibleError) return null;
        throw error;
      }),
    );
    if (!found) {
      throw new HttpError(404, 'session_not_found', 'No chat with this session id', {
        response: NO_CONVERSATION,
      });
    }
    ctx.body = {
      session_id: sessionId,
      messages: found.messages,
      last_agent: found.agent,
      routine_number: found.routineNumber,
    };
  });

  return router;
}
