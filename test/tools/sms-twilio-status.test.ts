import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTwilioSmsSender } from '../../tools/sms/twilio.ts';
import { verifyTwilioSignature } from '../../tools/sms/twilio-signature.ts';
import {
  deliveryErrorReason,
  isLaterStatus,
  TwilioStatusCallback,
} from '../../tools/sms/twilio-status.ts';
import { signTwilioRequest, startTwilioServer, type TwilioServer } from '../fakes/twilio-server.ts';

const TOKEN = '12345678901234567890123456789012';
const URL_SIGNED = 'https://club.test/webhooks/twilio/status?registration=2526-abc';
const SID = `SM${'a'.repeat(32)}`;
const callback = {
  AccountSid: `AC${'b'.repeat(32)}`,
  ApiVersion: '2010-04-01',
  From: '+447700900000',
  MessageSid: SID,
  MessageStatus: 'sent',
  SmsSid: SID,
  SmsStatus: 'sent',
  To: '+447700900123',
};
const signature = signTwilioRequest(TOKEN, URL_SIGNED, callback);

describe('verifyTwilioSignature', () => {
  it.each([
    ['a genuine callback', {}, true],
    [
      'the URL with the default port Twilio left out',
      { url: URL_SIGNED.replace('.test/', '.test:443/') },
      true,
    ],
    ['a changed status', { params: { ...callback, MessageStatus: 'delivered' } }, false],
    ['an added field', { params: { ...callback, ErrorCode: '30003' } }, false],
    ['a removed field', { params: { ...callback, To: undefined } }, false],
    ['another path', { url: URL_SIGNED.replace('status', 'other') }, false],
    ['another query', { url: URL_SIGNED.replace('abc', 'abd') }, false],
    ['http instead of https', { url: URL_SIGNED.replace('https:', 'http:') }, false],
    ['another auth token', { authToken: `${TOKEN.slice(1)}x` }, false],
    ['no signature', { signature: undefined }, false],
    ['an empty signature', { signature: '' }, false],
    ['an unparseable URL', { url: 'not a url' }, false],
  ])('%s → %s', (_, overrides, valid) => {
    const request = {
      authToken: TOKEN,
      url: URL_SIGNED,
      params: callback,
      signature,
      ...overrides,
    };
    expect(verifyTwilioSignature(request)).toBe(valid);
  });
});

describe('verifyTwilioSignature against the SDK', () => {
  const quoted = "https://club.test/webhooks/twilio/status?registration=2526-abc&note=o'neil";
  const tagged = { ...callback, Tag: ['b', 'a', 'b'] };
  const unicode = { ...callback, Body: 'Grâce ✓' };
  const changed = { ...callback, To: '+447700900999' };
  type Params = Record<string, string | string[]>;
  // [case, URL received, fields received, URL Twilio signed, fields Twilio signed, valid]
  const cases: [string, string, Params, string, Params, boolean][] = [
    ['the signed request', URL_SIGNED, callback, URL_SIGNED, callback, true],
    [
      'port added',
      URL_SIGNED.replace('.test/', '.test:443/'),
      callback,
      URL_SIGNED,
      callback,
      true,
    ],
    [
      'port left out',
      URL_SIGNED,
      callback,
      URL_SIGNED.replace('.test/', '.test:443/'),
      callback,
      true,
    ],
    [
      'another port',
      URL_SIGNED.replace('.test/', '.test:8443/'),
      callback,
      URL_SIGNED,
      callback,
      true,
    ],
    ['http port 80', 'http://club.test:80/hook', callback, 'http://club.test/hook', callback, true],
    ['a quote as sent', quoted, callback, quoted, callback, true],
    ['a quote signed escaped', quoted, callback, quoted.replace("'", '%27'), callback, true],
    ['an escaped quote', quoted.replace("'", '%27'), callback, quoted, callback, true],
    [
      'an upper-case host',
      URL_SIGNED.replace('club', 'CLUB'),
      callback,
      URL_SIGNED,
      callback,
      true,
    ],
    [
      'user info',
      'https://u:p@club.test:443/x',
      callback,
      'https://u:p@club.test/x',
      callback,
      true,
    ],
    ['an IPv6 host', 'https://[::1]:443/x', callback, 'https://[::1]/x', callback, true],
    ['repeated names', URL_SIGNED, tagged, URL_SIGNED, tagged, true],
    ['unicode values', URL_SIGNED, unicode, URL_SIGNED, unicode, true],
    ['a changed field', URL_SIGNED, changed, URL_SIGNED, callback, false],
    ['no fields', URL_SIGNED, {}, URL_SIGNED, {}, true],
    ['an unparseable URL', 'not a url', callback, URL_SIGNED, callback, false],
    ['a path only', '/webhooks/twilio/status', callback, '/webhooks/twilio/status', callback, true],
  ];
  it.each(cases)('agrees with validateRequest: %s', (_, url, params, signedUrl, signed, valid) => {
    const genuine = twilio.getExpectedTwilioSignature(TOKEN, signedUrl, signed);
    const sdk = (signature: string) => {
      try {
        return twilio.validateRequest(TOKEN, signature, url, params);
      } catch {
        return false;
      }
    };
    for (const [signature, expected] of [
      [genuine, valid],
      [`${genuine.slice(0, -2)}A=`, false],
    ] as const) {
      expect(sdk(signature)).toBe(expected);
      expect(verifyTwilioSignature({ authToken: TOKEN, url, params, signature })).toBe(expected);
    }
  });
});

describe('TwilioStatusCallback', () => {
  it('keeps the fields we use and drops the numbers', () => {
    expect(TwilioStatusCallback.parse({ ...callback, ErrorCode: '30003' })).toEqual({
      AccountSid: callback.AccountSid,
      MessageSid: SID,
      MessageStatus: 'sent',
      ErrorCode: '30003',
    });
  });

  it.each([
    ['an empty ErrorCode', { ErrorCode: '' }, true],
    ['a RawDlrDoneDate', { RawDlrDoneDate: '2611300145' }, true],
    ['an unknown status', { MessageStatus: 'lost' }, false],
    ['an inbound status', { MessageStatus: 'received' }, false],
    ['a MessageSid that is not one', { MessageSid: 'SM1' }, false],
    ['no MessageSid', { MessageSid: undefined }, false],
    ['a repeated field', { MessageStatus: ['sent', 'delivered'] }, false],
  ])('with %s parses: %s', (_, overrides, parses) => {
    expect(TwilioStatusCallback.safeParse({ ...callback, ...overrides }).success).toBe(parses);
  });

  it.each([
    ['30003', 'phone switched off or unreachable'],
    ['30006', 'landline or unreachable network'],
    ['39999', 'delivery error 39999'],
  ])('explains delivery error %s as "%s"', (code, reason) => {
    expect(deliveryErrorReason(code)).toBe(reason);
  });
});

describe('isLaterStatus', () => {
  it.each([
    [null, 'queued', true],
    [undefined, 'failed', true],
    ['queued', 'sending', true],
    ['queued', 'sent', true],
    ['sending', 'sent', true],
    ['sent', 'delivered', true],
    ['sent', 'undelivered', true],
    ['queued', 'failed', true],
    ['accepted', 'queued', true],
    ['delivered', 'read', true],
    ['delivered', 'sent', false],
    ['delivered', 'queued', false],
    ['sent', 'sending', false],
    ['sent', 'sent', false],
    ['delivered', 'undelivered', false],
    ['failed', 'delivered', false],
    ['sent', 'no-such-status', false],
    ['no-such-status', 'sent', true],
  ])('%s then %s → %s', (current, next, later) => {
    expect(isLaterStatus(current, next)).toBe(later);
  });

  const orders = [
    ['queued', 'sent', 'delivered'],
    ['queued', 'delivered', 'sent'],
    ['sent', 'queued', 'delivered'],
    ['sent', 'delivered', 'queued'],
    ['delivered', 'queued', 'sent'],
    ['delivered', 'sent', 'queued'],
  ];
  it.each(orders)('keeps delivered whatever the order: %s, %s, %s', (...arrivals) => {
    const latest = arrivals.reduce<string | null>(
      (current, next) => (isLaterStatus(current, next) ? next : current),
      null,
    );
    expect(latest).toBe('delivered');
  });
});

describe('status callbacks from the local Twilio server', () => {
  let twilio: TwilioServer;
  let receiver: { url: string; seen: Map<string, string>; refused: number; close(): Promise<void> };

  /** What the webhook route will do: check the signature, parse, keep the latest status. */
  async function startReceiver(authToken: string) {
    const seen = new Map<string, string>();
    let refused = 0;
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const params = Object.fromEntries(new URLSearchParams(body));
        const { port } = server.address() as AddressInfo;
        const url = `http://127.0.0.1:${port}${req.url ?? '/'}`;
        const signature = req.headers['x-twilio-signature'];
        const parsed = TwilioStatusCallback.safeParse(params);
        if (
          typeof signature !== 'string' ||
          !verifyTwilioSignature({ authToken, url, params, signature }) ||
          !parsed.success
        ) {
          refused += 1;
          res.writeHead(403).end();
          return;
        }
        const { MessageSid, MessageStatus } = parsed.data;
        if (isLaterStatus(seen.get(MessageSid), MessageStatus)) seen.set(MessageSid, MessageStatus);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/webhooks/twilio/status?registration=2526-abc`,
      seen,
      get refused() {
        return refused;
      },
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  beforeEach(async () => {
    twilio = await startTwilioServer();
    receiver = await startReceiver(twilio.authToken);
  });
  afterEach(async () => {
    await twilio.close();
    await receiver.close();
  });

  const sendOne = () =>
    createTwilioSmsSender({
      accountSid: twilio.accountSid,
      authToken: twilio.authToken,
      from: '+447700900000',
      baseUrl: twilio.baseUrl,
    }).send({ to: '+447700900123', body: 'Hello', statusCallbackUrl: receiver.url });

  it('delivers signed callbacks to the StatusCallback URL, latest status winning out of order', async () => {
    const { providerId } = await sendOne();
    for (const status of ['queued', 'delivered', 'sent']) {
      const response = await twilio.postStatusCallback(providerId, status);
      expect(response.status).toBe(204);
    }
    expect(receiver.seen.get(providerId)).toBe('delivered');
  });

  it('has a forged callback refused and recorded nowhere', async () => {
    const { providerId } = await sendOne();
    const response = await twilio.postStatusCallback(providerId, 'failed', {
      errorCode: '30003',
      signWith: 'not-the-token',
    });
    expect(response.status).toBe(403);
    expect(receiver.refused).toBe(1);
    expect(receiver.seen.size).toBe(0);
  });
});
