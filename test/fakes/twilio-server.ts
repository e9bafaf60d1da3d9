import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the next Messages API call meets instead of a plain success. */
export type TwilioFault =
  /** A Twilio error body `{ code, message, more_info, status }` with this HTTP status. */
  | { type: 'error'; status: number; code: number }
  /** The message is accepted (and recorded) at once, but the answer comes this much later. */
  | { type: 'slow'; delayMs: number }
  /** The connection is closed with no answer, and nothing is recorded. */
  | { type: 'drop' };

/** A message the server accepted, as the client posted it. */
export type AcceptedMessage = {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
};

export interface TwilioServer {
  /** Give this to the adapter as `baseUrl`. */
  readonly baseUrl: string;
  readonly accountSid: string;
  readonly authToken: string;
  /** Every message accepted, in order. */
  readonly messages: readonly AcceptedMessage[];
  /** Messages API calls received, refused ones included. */
  readonly calls: number;
  /** The next calls meet these faults, in order; later calls are served normally. */
  script(...faults: TwilioFault[]): void;
  /**
   * Posts a status callback for an accepted message to its StatusCallback (or `url`), form-encoded
   * and signed as Twilio signs it (with `signWith` instead of the auth token, to forge one).
   */
  postStatusCallback(
    sid: string,
    status: string,
    options?: {
      errorCode?: string;
      url?: string;
      signWith?: string;
      /** Where the request really goes (a proxy in front of the public URL that was signed). */
      via?: string;
    },
  ): Promise<Response>;
  /** Stops listening and cuts every connection: calls fail as if Twilio were unreachable. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** Twilio's wording for the errors the fake can give (the 21211 one quotes the number, as Twilio's does). */
const ERROR_MESSAGES: Record<number, (to: string) => string> = {
  20003: () => 'Authenticate',
  20404: () => 'The requested resource was not found',
  20429: () => 'Too Many Requests',
  20500: () => 'Internal Server Error',
  21211: (to) => `The 'To' number ${to} is not a valid phone number.`,
  21602: () => 'Message body is required.',
  21603: () => "A 'From' phone number is required.",
  21604: () => "A 'To' phone number is required.",
  21610: () => 'Attempt to send to unsubscribed recipient',
  21614: (to) => `'To' number ${to} is not a valid mobile number`,
};

const E164 = /^\+[1-9]\d{1,14}$/;
const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const rfc2822 = (date: Date) => date.toUTCString().replace('GMT', '+0000');

/** Twilio's request signature: base64 HMAC-SHA1 of the URL then each sorted name and value. */
export function signTwilioRequest(authToken: string, url: string, params: Record<string, string>) {
  const data = Object.keys(params)
    .sort()
    .reduce((signed, name) => signed + name + params[name], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** A local Twilio speaking the Messages API on 127.0.0.1, for the real `twilio` client. */
export async function startTwilioServer(
  options: { accountSid?: string; authToken?: string } = {},
): Promise<TwilioServer> {
  const accountSid = options.accountSid ?? `AC${hex(16)}`;
  const authToken = options.authToken ?? hex(16);
  const messages: AcceptedMessage[] = [];
  const faults: TwilioFault[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let calls = 0;

  const sendJson = (res: ServerResponse, status: number, body: unknown) => {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const sendError = (res: ServerResponse, status: number, code: number, to = '') =>
    sendJson(res, status, {
      code,
      message: ERROR_MESSAGES[code]?.(to) ?? 'Error',
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status,
    });

  const resource = (message: AcceptedMessage, status: string) => {
    const now = rfc2822(new Date());
    return {
      account_sid: accountSid,
      api_version: '2010-04-01',
      body: message.body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: message.from,
      messaging_service_sid: message.messagingServiceSid,
      num_media: '0',
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      sid: message.sid,
      status,
      subresource_uris: {
        media: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}/Media.json`,
      },
      to: message.to,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}.json`,
    };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.from(chunk as Uint8Array));
    const path = MESSAGES_PATH.exec(new URL(req.url ?? '/', 'http://fake').pathname);
    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return sendError(res, 401, 20003);
    if (req.method !== 'POST' || !path || path[1] !== accountSid) {
      return sendError(res, 404, 20404);
    }
    calls += 1;
    const fault = faults.shift();
    if (fault?.type === 'drop') return void req.socket.destroy();
    if (fault?.type === 'error') return sendError(res, fault.status, fault.code);

    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const to = form.get('To');
    const from = form.get('From');
    const messagingServiceSid = form.get('MessagingServiceSid');
    const body = form.get('Body');
    if (!to) return sendError(res, 400, 21604);
    if (!from && !messagingServiceSid) return sendError(res, 400, 21603);
    if (!body) return sendError(res, 400, 21602);
    if (!E164.test(to)) return sendError(res, 400, 21211, to);

    const message: AcceptedMessage = {
      sid: `SM${hex(16)}`,
      to,
      from,
      messagingServiceSid,
      body,
      statusCallback: form.get('StatusCallback'),
    };
    messages.push(message);
    const answer = () =>
      sendJson(res, 201, resource(message, messagingServiceSid ? 'accepted' : 'queued'));
    if (fault?.type !== 'slow') return answer();
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer();
    }, fault.delayMs);
    timers.add(timer);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => sendJson(res, 500, { code: 20500, status: 500 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    messages,
    get calls() {
      return calls;
    },
    script(...next) {
      faults.push(...next);
    },
    async postStatusCallback(sid, status, callbackOptions = {}) {
      const message = messages.find((accepted) => accepted.sid === sid);
      if (!message) throw new Error(`no message ${sid}`);
      const url = callbackOptions.url ?? message.statusCallback;
      if (!url) throw new Error(`message ${sid} has no StatusCallback`);
      const params: Record<string, string> = {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        ...(message.from ? { From: message.from } : {}),
        ...(message.messagingServiceSid
          ? { MessagingServiceSid: message.messagingServiceSid }
          : {}),
        MessageSid: sid,
        MessageStatus: status,
        SmsSid: sid,
        SmsStatus: status,
        To: message.to,
        ...(callbackOptions.errorCode ? { ErrorCode: callbackOptions.errorCode } : {}),
      };
      return fetch(callbackOptions.via ?? url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          'user-agent': 'TwilioProxy/1.1',
          'x-twilio-signature': signTwilioRequest(
            callbackOptions.signWith ?? authToken,
            url,
            params,
          ),
        },
        body: new URLSearchParams(params).toString(),
      });
    },
    async down() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async up() {
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
