import { createHmac } from 'node:crypto';
import { writeSync } from 'node:fs';
import { pino, type DestinationStream, type Level } from 'pino';
import type { Log } from '../machines/chat-service.ts';
import { remembered } from '../tools/remembered.ts';

export type { Log };

/** Log levels a deployment may choose (LOG_LEVEL). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The level an event is written at, read from its name: `effect.failed` is an error. */
const levelOf = remembered(levelFromName, 500);

function levelFromName(event: string): Level {
  if (/\.(failed|error|crashed)$/.test(event)) return 'error';
  if (/\.(not_wired|restarted|rejected|busy|slow|stopping)$/.test(event)) return 'warn';
  if (/^chat\.hint/.test(event)) return 'debug';
  return 'info';
}

/**
 * The process's `log(event, data)`: one JSON line per event on pino. Callers pass ids, counts and
 * codes only, never what a parent typed. Without a destination, lines go to stdout in batches
 * (see batchedStdout).
 */
export function createLog(level: LogLevel, destination?: DestinationStream): Log {
  const logger = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? batchedStdout(),
  );
  const log: Log = (event, data) => {
    logger[levelOf(event)](data ?? {}, event);
  };
  return Object.assign(log, {
    [WRITES]: (event: string) => logger.isLevelEnabled(levelOf(event)),
  });
}

/** Lines are written to stdout together once this many characters wait (one write per ~20 lines)… */
const BATCH_CHARS = 4_096;
/** …or this often when fewer do; whatever waits is written before the process exits. */
const BATCH_MS = 250;

/**
 * stdout for the log, written in batches: a write per line cost a request more than the rest of the
 * HTTP layer's logging. The lines wait here and go to sonic-boom as one string per batch, because
 * sonic-boom's own batching (`minLength`) measures the UTF-8 length of everything waiting again at
 * every line. At exit, what sonic-boom still holds is written first, then what waits here.
 */
function batchedStdout(): DestinationStream {
  const stdout = pino.destination({ dest: 1, sync: false });
  let waiting: string[] = [];
  let chars = 0;
  const take = () => {
    const text = waiting.join('');
    waiting = [];
    chars = 0;
    return text;
  };
  const flush = () => {
    if (waiting.length === 0) return;
    try {
      stdout.write(take());
    } catch {
      // stdout is gone (closed at exit): nothing left to write to.
    }
  };
  setInterval(flush, BATCH_MS).unref();
  process.once('exit', () => {
    try {
      stdout.flushSync();
      if (waiting.length > 0) writeSync(1, take());
    } catch {
      // stdout is gone (closed, a broken pipe): nothing left to write to.
    }
  });
  return {
    write(line: string) {
      waiting.push(line);
      chars += line.length;
      if (chars >= BATCH_CHARS) flush();
    },
  };
}

/** Where a log made by createLog says whether it writes an event at its level. */
const WRITES = Symbol('writes');

/** Whether `log` would write `event` (true for a log that cannot tell, e.g. a test's). */
function writes(log: Log, event: string): boolean {
  const check = (log as Log & { [WRITES]?: (event: string) => boolean })[WRITES];
  return check === undefined || check(event);
}

/** What may be logged about an error: its kind and a clipped message, never a request's data. */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: typeof error };
  const frames = (error.stack ?? '').split('\n').filter((line) => line.startsWith('    at '));
  return {
    error: error.name,
    message: error.message.slice(0, 200),
    stack: frames.slice(0, 8).map((line) => line.trim()),
  };
}

/** Keys whose value is a session id (a bearer secret): logged as a keyed tag only. */
const SESSION_KEYS = new Set(['sessionId', 'session_id']);
/** A session id inside a longer string (an error message, a path). */
const SESSION_IN_TEXT = /session-[A-Za-z0-9_-]{6,}/g;

function tagged(value: unknown, tag: (id: string) => string, depth: number): unknown {
  if (typeof value === 'string') {
    return value.includes('session-') ? value.replace(SESSION_IN_TEXT, (id) => tag(id)) : value;
  }
  if (depth > 4 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => tagged(item, tag, depth + 1));
  const out: Record<string, unknown> = {};
  // Every line's data passes here: keys, not entries (no pair per field), and numbers, booleans
  // and nulls copied as they are.
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'string') {
      if (SESSION_KEYS.has(key)) out.session = tag(item);
      else out[key] = item.includes('session-') ? tagged(item, tag, depth + 1) : item;
    } else {
      out[key] = typeof item === 'object' && item !== null ? tagged(item, tag, depth + 1) : item;
    }
  }
  return out;
}

/**
 * The log with every session id replaced by `s:<keyed digest>` (enough to follow one session
 * through the logs, useless to take it over): a `sessionId` field becomes `session`.
 */
export function withSessionTags(log: Log, key: string): Log {
  // An HMAC per line is most of a line's cost: the tags of recent sessions are kept.
  const tag = remembered(
    (id) => `s:${createHmac('sha256', key).update(id).digest('base64url').slice(0, 12)}`,
    RECENT_TAGS,
  );
  return (event, data) => {
    // A line below the level is dropped before its data is copied and tagged.
    if (!writes(log, event)) return;
    log(event, data === undefined ? data : (tagged(data, tag, 0) as Record<string, unknown>));
  };
}

/** How many sessions' tags are kept (a few minutes of sessions at the club's busiest). */
const RECENT_TAGS = 1_000;
