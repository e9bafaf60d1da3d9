import { pino, type DestinationStream, type Level } from 'pino';
import type { Log } from '../machines/chat-service.ts';

export type { Log };

/** Log levels a deployment may choose (LOG_LEVEL). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The level an event is written at, read from its name: `effect.failed` is an error. */
function levelOf(event: string): Level {
  if (/\.(failed|error|crashed)$/.test(event)) return 'error';
  if (/\.(not_wired|restarted|rejected|busy|slow|stopping)$/.test(event)) return 'warn';
  if (/^chat\.hint/.test(event)) return 'debug';
  return 'info';
}

/**
 * The process's `log(event, data)`: one JSON line per event on pino. Callers pass ids, counts and
 * codes only, never what a parent typed.
 */
export function createLog(level: LogLevel, destination?: DestinationStream): Log {
  const logger = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
  return (event, data) => logger[levelOf(event)](data ?? {}, event);
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
