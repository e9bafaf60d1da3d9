import Airtable from 'airtable';
import { z } from 'zod';
import { ToolUnavailableError } from '../tool.ts';
import { AirtableRejectedError } from './errors.ts';

export { AirtableRejectedError };

/** How to reach one Airtable base; passed in by the composition root, never read from the env. */
export type AirtableConfig = {
  apiKey: string;
  baseId: string;
  /** Another host for the same API (a local fake in tests); default https://api.airtable.com. */
  endpointUrl?: string;
  /** The longest one call may take, 429 retries included; then `ToolUnavailableError`. */
  timeoutMs: number;
  /** Backoff after a 429 (full jitter, doubling): Airtable asks for 30 s, so the cap is 30 s. */
  rateLimitRetry?: { firstDelayMs: number; maxDelayMs: number };
  /** Awaited before every request: where a limiter shared by all processes plugs in (5/s/base). */
  throttle?: (signal: AbortSignal) => Promise<void>;
  /** Events without personal data: `airtable.rate_limited`. */
  log?: (event: string, data: Record<string, unknown>) => void;
};

/** A record as Airtable sends it; `fields` is validated by each adapter. */
export const AirtableRecordData = z.object({
  id: z.string().min(1),
  createdTime: z.string(),
  fields: z.record(z.string(), z.unknown()),
});
export type AirtableRecordData = z.infer<typeof AirtableRecordData>;

const ListPage = z.object({ records: z.array(AirtableRecordData), offset: z.string().optional() });

/** What airtable.js rejects with (not an `Error`): Airtable's error type and the HTTP status. */
const SdkError = z.object({
  error: z.string(),
  message: z.string().optional(),
  statusCode: z.number().nullish(),
});

/** Above this many characters a list request goes as `POST …/listRecords` (Airtable: 16,000). */
export const URL_LIMIT = 16_000;
const PAGE_SIZE = 100;
const SERVICE = 'airtable';

export type RequestOptions = {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  qs?: Record<string, string | number>;
  body?: unknown;
};

/** One base, through airtable.js: bounded, cancellable calls with Airtable's errors mapped. */
export interface AirtableClient {
  /** The whole response body of one request (`base.makeRequest`), retried only after a 429. */
  request(options: RequestOptions, signal?: AbortSignal): Promise<unknown>;
  /** Every record of `table` matching `formula`, page by page (POST form for long formulas). */
  list(
    table: string,
    query: { formula: string; maxRecords?: number },
    signal?: AbortSignal,
  ): Promise<AirtableRecordData[]>;
  /** Whether the base answers for `table`, reading no record (for `/health`): a short reason. */
  probe(table: string, signal?: AbortSignal): Promise<AirtableHealth>;
}

export type AirtableHealth =
  { ok: true } | { ok: false; reason: 'unavailable' | 'rejected'; detail: string };

export const tablePath = (table: string) => `/${encodeURIComponent(table)}`;

const HINTS: Record<number, string> = {
  401: 'the API key was refused (AIRTABLE_API_KEY)',
  403: 'the token may not use this base or table (scopes, access list)',
  404: 'no such base or table (AIRTABLE_BASE_ID, table names)',
};

/** Maps what airtable.js rejected with to our errors; a 429 is returned for a retry. */
function classify(reason: unknown, path: string): Error | 'rate-limited' {
  const parsed = SdkError.safeParse(reason);
  if (!parsed.success) return new ToolUnavailableError(SERVICE, { cause: reason });
  const { error: type, message = '', statusCode } = parsed.data;
  if (statusCode === 429) return 'rate-limited';
  const hint = statusCode ? HINTS[statusCode] : undefined;
  if (hint) {
    const said = message ? ` (Airtable: ${message.slice(0, 200)})` : '';
    const cause = new Error(`${type} (HTTP ${statusCode}) on ${path}: ${hint}${said}`);
    return new ToolUnavailableError(SERVICE, { cause });
  }
  if (statusCode === 400 || statusCode === 413 || statusCode === 422) {
    return new AirtableRejectedError(type, statusCode, message);
  }
  const cause = new Error(`${type} (${statusCode ? `HTTP ${statusCode}` : 'no response'})`);
  return new ToolUnavailableError(SERVICE, { cause });
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

const callerAborted = (signal?: AbortSignal) => signal?.aborted === true;

const sleep = (ms: number, signal: AbortSignal) =>
  untilAborted(new Promise<void>((resolve) => setTimeout(resolve, ms).unref()), signal);

/**
 * The airtable.js client for one base. Its own 429 retry is switched off: it retries forever on
 * timers that cannot be cancelled, so an abandoned write could land minutes later, out of order.
 * Here a 429 is retried with the same jittered backoff, within the call's deadline and signal.
 */
export function createAirtableClient(config: AirtableConfig): AirtableClient {
  // every option is given, as airtable.js falls back to process.env for a missing key or host
  if (!config.apiKey || !config.baseId) throw new Error('Airtable needs an API key and a base id');
  const endpoint = (config.endpointUrl ?? 'https://api.airtable.com').replace(/\/$/, '');
  const base = new Airtable({
    apiKey: config.apiKey,
    endpointUrl: endpoint,
    noRetryIfRateLimited: true,
    requestTimeout: config.timeoutMs,
  }).base(config.baseId);
  const backoff = config.rateLimitRetry ?? { firstDelayMs: 5_000, maxDelayMs: 30_000 };

  async function request(options: RequestOptions, callerSignal?: AbortSignal) {
    const deadline = AbortSignal.timeout(config.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, deadline]) : deadline;
    const started = Date.now();
    for (let attempt = 0; ; attempt += 1) {
      try {
        await untilAborted(config.throttle?.(signal) ?? Promise.resolve(), signal);
        const response = await untilAborted(base.makeRequest({ ...options }), signal);
        return response.body as unknown;
      } catch (reason) {
        if (callerSignal?.aborted) throw callerSignal.reason;
        if (deadline.aborted) {
          const cause = new Error(`no answer within ${config.timeoutMs} ms (${options.path})`);
          throw new ToolUnavailableError(SERVICE, { cause });
        }
        const outcome = classify(reason, options.path);
        if (outcome !== 'rate-limited') throw outcome;
        const cap = Math.min(backoff.maxDelayMs, backoff.firstDelayMs * 2 ** attempt);
        const waitMs = Math.round(Math.random() * cap);
        if (Date.now() - started + waitMs >= config.timeoutMs) {
          const cause = new Error(`rate limited (429) for ${Date.now() - started} ms`);
          throw new ToolUnavailableError(SERVICE, { cause });
        }
        config.log?.('airtable.rate_limited', { path: options.path, attempt, waitMs });
        await sleep(waitMs, signal).catch((error: unknown) => {
          if (callerSignal?.aborted) throw callerSignal.reason;
          throw new ToolUnavailableError(SERVICE, { cause: error });
        });
      }
    }
  }

  async function page(
    table: string,
    params: Record<string, string | number>,
    signal?: AbortSignal,
  ) {
    const path = tablePath(table);
    const url = `${endpoint}/v0/${config.baseId}${path}?${new URLSearchParams(
      Object.entries(params).map(([key, value]): [string, string] => [key, String(value)]),
    ).toString()}`;
    const body =
      url.length > URL_LIMIT
        ? await request({ method: 'POST', path: `${path}/listRecords`, body: params }, signal)
        : await request({ method: 'GET', path, qs: params }, signal);
    const parsed = ListPage.safeParse(body);
    if (!parsed.success) throw new ToolUnavailableError(SERVICE, { cause: parsed.error });
    return parsed.data;
  }

  return {
    request,
    async probe(table, signal) {
      try {
        await page(table, { filterByFormula: 'FALSE()', maxRecords: 1 }, signal);
        return { ok: true };
      } catch (error) {
        if (callerAborted(signal)) throw error;
        const reason = error instanceof AirtableRejectedError ? 'rejected' : 'unavailable';
        const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
        return {
          ok: false,
          reason,
          detail: cause instanceof Error ? cause.message : String(cause),
        };
      }
    },
    async list(table, { formula, maxRecords }, signal) {
      const records: AirtableRecordData[] = [];
      let offset: string | undefined;
      do {
        const params: Record<string, string | number> = {
          filterByFormula: formula,
          pageSize: PAGE_SIZE,
          ...(maxRecords ? { maxRecords } : {}),
          ...(offset ? { offset } : {}),
        };
        const result = await page(table, params, signal);
        records.push(...result.records);
        offset = result.offset;
      } while (offset && (!maxRecords || records.length < maxRecords));
      return records;
    },
  };
}
