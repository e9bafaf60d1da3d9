import { AsyncLocalStorage } from 'node:async_hooks';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { z } from 'zod';
import { ToolUnavailableError } from '../tool.ts';
import { SmsRejectedError, type SmsMessage, type SmsReceipt, type SmsSender } from './port.ts';

export type TwilioSmsConfig = {
  /** AC… */
  accountSid: string;
  authToken: string;
  /** A number in E.164, an alphanumeric sender id, or a Messaging Service SID (MG…). */
  from: string;
  /** Sends the API calls here instead of https://api.twilio.com (a sandbox or a local server). */
  baseUrl?: string | URL | undefined;
  /** Gives up on one call after this long (default 10 s). */
  timeoutMs?: number | undefined;
};

const SERVICE = 'twilio';
const DEFAULT_TIMEOUT_MS = 10_000;

const Config = z.object({
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'an account SID is AC and 32 hex digits'),
  authToken: z.string().min(1),
  from: z.string().min(1),
  baseUrl: z.union([z.url(), z.instanceof(URL).transform((url) => url.href)]).optional(),
  timeoutMs: z.number().int().positive().default(DEFAULT_TIMEOUT_MS),
});

/** The parts of the SDK's message instance we rely on. */
const CreatedMessage = z.object({
  sid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/),
  status: z.string().min(1),
});

/** What the SDK throws for an HTTP error (RestException, or TwilioServiceException for RFC 9457). */
const TwilioHttpError = z.object({
  status: z.number().int().min(400).max(599),
  code: z.number().int().optional(),
});

/** Our own short words for Twilio's refusals: its messages may quote the phone number. */
const REASONS: Record<number, string> = {
  21211: 'invalid phone number',
  21408: 'sending to this region is not enabled',
  21602: 'empty message',
  21604: 'missing phone number',
  21606: 'the sender cannot send to this number',
  21610: 'the recipient has opted out (replied STOP)',
  21612: 'this number cannot be reached from the sender',
  21614: 'not a mobile number',
  21617: 'message too long',
};

/**
 * The SDK's own HTTP client (axios underneath), pointed at `baseUrl` when there is one, with no
 * automatic retry, and aborted by the signal of the send in progress. The signal travels in an
 * AsyncLocalStorage because `messages.create` takes none.
 */
class TwilioHttpClient extends twilio.RequestClient {
  readonly #baseUrl: URL | null;
  readonly #signals = new AsyncLocalStorage<AbortSignal>();

  constructor(baseUrl: URL | null, timeoutMs: number) {
    super({ timeout: timeoutMs, autoRetry: false, keepAlive: true });
    this.#baseUrl = baseUrl;
    this.axios.interceptors.request.use((request) => {
      const signal = this.#signals.getStore();
      if (signal) request.signal = signal;
      return request;
    });
  }

  withSignal<T>(signal: AbortSignal, run: () => Promise<T>): Promise<T> {
    return this.#signals.run(signal, run);
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request({ ...opts, uri: this.#rewrite(opts.uri) });
  }

  #rewrite(uri: string) {
    const url = new URL(uri);
    if (!this.#baseUrl || !/(^|\.)twilio\.com$/.test(url.hostname)) return uri;
    return new URL(`.${url.pathname}${url.search}`, this.#baseUrl).href;
  }
}

/** Sends texts with Twilio's Messages API through the official `twilio` client. */
export function createTwilioSmsSender(config: TwilioSmsConfig): SmsSender {
  const { accountSid, authToken, from, baseUrl, timeoutMs } = Config.parse(config);
  const base =
    baseUrl === undefined ? null : new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const httpClient = new TwilioHttpClient(base, timeoutMs);
  const client = twilio(accountSid, authToken, { httpClient, autoRetry: false });
  // the SDK loads the Messages API on first use: do it now, not inside the first send's timeout
  const messages = client.messages;
  const sender = from.startsWith('MG') ? { messagingServiceSid: from } : { from };

  return {
    async send(message: SmsMessage, signal?: AbortSignal): Promise<SmsReceipt> {
      const timeout = AbortSignal.timeout(timeoutMs);
      const params = {
        ...sender,
        to: message.to,
        body: message.body,
        ...(message.statusCallbackUrl === undefined
          ? {}
          : { statusCallback: message.statusCallbackUrl }),
      };
      let created: unknown;
      try {
        created = await httpClient.withSignal(
          signal ? AbortSignal.any([signal, timeout]) : timeout,
          () => messages.create(params),
        );
      } catch (error) {
        throw toSendError(error);
      }
      const parsed = CreatedMessage.safeParse(created);
      if (!parsed.success) throw new ToolUnavailableError(SERVICE, { cause: parsed.error });
      return { providerId: parsed.data.sid, status: parsed.data.status };
    },
  };
}

/** Not the message's fault: our credentials or account (fixed by configuration), or Twilio's load. */
const RETRYABLE_4XX = new Set([401, 403, 404, 408, 429]);

/**
 * 5xx and the statuses above may pass if tried later; any other 4xx refuses this message. The
 * cause is rebuilt from status and code: the SDK's errors carry the request, number and text.
 */
function toSendError(error: unknown) {
  const http = TwilioHttpError.safeParse(error);
  if (!http.success) {
    const name = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new ToolUnavailableError(SERVICE, { cause: new Error(name) });
  }
  const { status, code } = http.data;
  const cause = new Error(
    `Twilio answered HTTP ${status}${code === undefined ? '' : `, code ${code}`}`,
  );
  if (status >= 500 || RETRYABLE_4XX.has(status)) {
    return new ToolUnavailableError(SERVICE, { cause });
  }
  const reason = (code === undefined ? undefined : REASONS[code]) ?? `refused (HTTP ${status})`;
  return new SmsRejectedError(code === undefined ? null : String(code), reason, { cause });
}
