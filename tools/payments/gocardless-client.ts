import type { GoCardlessClient } from 'gocardless-nodejs';
import {
  ApiError,
  AuthenticationError,
  GoCardlessInternalError,
  MalformedResponseError,
  PermissionsError,
  RateLimitError,
} from 'gocardless-nodejs/errors';
import { z } from 'zod';
import { ToolUnavailableError } from '../tool.ts';
import { PaymentRejectedError, type PaymentFieldError } from './port.ts';

const SERVICE = 'payments';

/** Errors `got` (the SDK's HTTP client) throws when no HTTP answer came back. */
const TRANSPORT_ERRORS = new Set([
  'RequestError',
  'TimeoutError',
  'ReadError',
  'UploadError',
  'CacheError',
  'MaxRedirectsError',
  'ParseError',
]);

/** The SDK's request layer, reached past its private fields (it has no base-URL option). */
type SdkApi = {
  _baseUrl: string;
  createRequestOptions: (...args: unknown[]) => Record<string, unknown>;
};
function isSdkApi(value: unknown): value is SdkApi {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof Reflect.get(value, '_baseUrl') === 'string' &&
    typeof Reflect.get(value, 'createRequestOptions') === 'function'
  );
}

/**
 * Points the client at `baseUrl` and makes each call one HTTP request with a timeout: `got` has no
 * default timeout and would retry GETs itself; retries belong to our job queue. A POST's
 * `Idempotency-Key` custom header wins over the random one the SDK makes for action endpoints,
 * which take no key of their own.
 */
export function configureGoCardlessClient(
  client: GoCardlessClient,
  options: { baseUrl?: string; timeoutMs?: number; retry?: boolean },
): void {
  const api: unknown = Reflect.get(client, '_api');
  if (!isSdkApi(api)) throw new Error('gocardless-nodejs: unexpected client internals');
  if (options.baseUrl) api._baseUrl = options.baseUrl.replace(/\/+$/, '');
  const original = api.createRequestOptions.bind(api);
  api.createRequestOptions = (...args: unknown[]) => {
    const requestOptions = original(...args);
    const headers = z.record(z.string(), z.unknown()).parse(requestOptions.headers ?? {});
    const custom = z
      .record(z.string(), z.unknown())
      .catch({})
      .parse(args[4] ?? {});
    const key = custom['Idempotency-Key'];
    if (String(args[0]).toLowerCase() === 'post' && typeof key === 'string') {
      headers['Idempotency-Key'] = key;
    }
    return {
      ...requestOptions,
      headers,
      ...(options.timeoutMs ? { timeout: { request: options.timeoutMs } } : {}),
      ...(options.retry === false ? { retry: { limit: 0 } } : {}),
    };
  };
}

/** Keeps only what a field error says, never the values sent (they may be personal data). */
function fieldErrors(error: ApiError): PaymentFieldError[] {
  const list = z
    .array(
      z.looseObject({
        field: z.string().optional(),
        reason: z.string().optional(),
        message: z.string().catch(''),
      }),
    )
    .catch([])
    .parse(error.errors);
  return list.map(({ field, reason, message }) => ({
    ...(field ? { field } : {}),
    ...(reason ? { reason } : {}),
    message,
  }));
}

const statusOf = (error: ApiError) => {
  const status: unknown = Reflect.get(Reflect.get(error, 'response') ?? {}, 'statusCode');
  return typeof status === 'number' ? status : null;
};

/**
 * What a failure says, as the `cause` we keep: never the SDK's error itself, which carries the
 * request and response (the parent's name, e-mail and address) into any log that prints it.
 */
export function failureSummary(error: unknown): string {
  if (error instanceof ApiError) {
    const parts = [`HTTP ${statusOf(error) ?? '?'}`, error.errorType, error.requestId];
    return `GoCardless ${parts.filter(Boolean).join(' ')}`;
  }
  if (error instanceof MalformedResponseError) return `GoCardless malformed response`;
  if (error instanceof z.ZodError) {
    return `GoCardless unexpected reply at ${error.issues.map((issue) => issue.path.join('.')).join(', ')}`;
  }
  if (error instanceof Error) {
    const code: unknown = Reflect.get(error, 'code');
    return [error.name, typeof code === 'string' ? code : ''].filter(Boolean).join(' ');
  }
  return 'unknown failure';
}

/** Maps what the SDK threw to our errors: outages are retryable, refusals are not. */
export function toPortError(error: unknown): unknown {
  if (error instanceof ToolUnavailableError || error instanceof PaymentRejectedError) return error;
  if (
    error instanceof GoCardlessInternalError ||
    error instanceof RateLimitError ||
    error instanceof AuthenticationError ||
    error instanceof PermissionsError ||
    error instanceof MalformedResponseError ||
    error instanceof z.ZodError
  ) {
    return new ToolUnavailableError(SERVICE, { cause: failureSummary(error) });
  }
  if (error instanceof ApiError) {
    const status = statusOf(error);
    if (status !== null && status >= 500) {
      return new ToolUnavailableError(SERVICE, { cause: failureSummary(error) });
    }
    const errors = fieldErrors(error);
    const code = errors[0]?.reason ?? error.errorType ?? 'rejected';
    return new PaymentRejectedError(error.message, code, errors, { cause: failureSummary(error) });
  }
  if (error instanceof Error && TRANSPORT_ERRORS.has(error.name)) {
    return new ToolUnavailableError(SERVICE, { cause: failureSummary(error) });
  }
  return error;
}
