import { ToolUnavailableError } from '../tool.ts';

/** How long a lookup may take in all, and each of its (at most two) attempts. */
export type Budget = {
  /** The whole call, retry included: the parent never waits longer (default 3 s). */
  timeoutMs: number;
  /** One attempt; the retry gets what is left (default half of `timeoutMs`). */
  attemptTimeoutMs?: number;
};

export const DEFAULT_TIMEOUT_MS = 3_000;

/** A retry with less time than this left is not worth starting. */
const MIN_RETRY_MS = 200;

/** An HTTP answer whose body was read; `body` is the parsed JSON, or undefined when not JSON. */
export type JsonReply = { status: number; body: unknown };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Sends one request, retried once on a 5xx, a timeout or a transport failure while the budget
 * allows. Throws `ToolUnavailableError` when no attempt answered below 500; a caller's abort is
 * rethrown as it is.
 */
export async function fetchJson(
  service: string,
  url: URL,
  init: RequestInit,
  budget: Budget,
  signal: AbortSignal | undefined,
  fetchImpl: typeof fetch,
): Promise<JsonReply> {
  const started = Date.now();
  const deadline = AbortSignal.timeout(budget.timeoutMs);
  const overall = signal ? AbortSignal.any([signal, deadline]) : deadline;
  const perAttempt = budget.attemptTimeoutMs ?? Math.ceil(budget.timeoutMs / 2);
  let cause: unknown;
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    const left = budget.timeoutMs - (Date.now() - started);
    if (attempt > 1 && left < MIN_RETRY_MS) break;
    const attemptSignal = AbortSignal.any([
      overall,
      AbortSignal.timeout(Math.min(perAttempt, left)),
    ]);
    try {
      const response = await fetchImpl(url, { ...init, signal: attemptSignal });
      const text = await response.text();
      if (response.status < 500) return { status: response.status, body: parseJson(text) };
      cause = new Error(`HTTP ${response.status}`);
    } catch (error) {
      if (signal?.aborted) throw error;
      cause = error;
    }
  }
  throw new ToolUnavailableError(service, { cause });
}

/** The failure for an answer the adapter cannot use (401, 403, 429, or a body it does not know). */
export const unavailable = (service: string, reason: string) =>
  new ToolUnavailableError(service, { cause: new Error(reason) });
