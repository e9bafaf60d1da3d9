import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SmsRejectedError } from '../../tools/sms/port.ts';
import { createTwilioSmsSender, type TwilioSmsConfig } from '../../tools/sms/twilio.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';
import { startTwilioServer, type TwilioServer } from '../fakes/twilio-server.ts';

const TO = '+447700900123';
const text = { to: TO, body: 'Pay here: https://pay.example/abc' };

let twilio: TwilioServer;
beforeEach(async () => {
  twilio = await startTwilioServer();
});
afterEach(() => twilio.close());

const sender = (overrides: Partial<TwilioSmsConfig> = {}) =>
  createTwilioSmsSender({
    accountSid: twilio.accountSid,
    authToken: twilio.authToken,
    from: '+447700900000',
    baseUrl: twilio.baseUrl,
    timeoutMs: 400,
    ...overrides,
  });

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the send to fail');
    },
    (error: unknown) => error,
  );

describe('Twilio SMS sender', () => {
  it('posts To, From, Body and StatusCallback to the Messages API and returns the SID', async () => {
    const receipt = await sender().send({ ...text, statusCallbackUrl: 'https://club.test/s?r=1' });
    expect(twilio.messages).toEqual([
      {
        sid: receipt.providerId,
        to: TO,
        from: '+447700900000',
        messagingServiceSid: null,
        body: text.body,
        statusCallback: 'https://club.test/s?r=1',
      },
    ]);
    expect(receipt).toEqual({
      providerId: expect.stringMatching(/^SM[0-9a-f]{32}$/),
      status: 'queued',
    });
  });

  it('sends from a Messaging Service when `from` is its SID', async () => {
    const service = `MG${'0'.repeat(32)}`;
    const receipt = await sender({ from: service }).send(text);
    expect(twilio.messages[0]).toMatchObject({ from: null, messagingServiceSid: service });
    expect(receipt.status).toBe('accepted');
  });

  it('accepts a base URL with a trailing slash', async () => {
    await sender({ baseUrl: `${twilio.baseUrl}/` }).send(text);
    expect(twilio.messages).toHaveLength(1);
  });

  it.each([
    [21211, 'invalid phone number'],
    [21610, 'the recipient has opted out (replied STOP)'],
    [21614, 'not a mobile number'],
    [21999, 'refused (HTTP 400)'],
  ])('maps the refusal %i to SmsRejectedError: %s', async (code, reason) => {
    twilio.script({ type: 'error', status: 400, code });
    const error = await caught(sender().send(text));
    expect(error).toBeInstanceOf(SmsRejectedError);
    expect(error).toMatchObject({ code: String(code), reason });
  });

  it('keeps the number out of a refusal, though Twilio quotes it', async () => {
    const error = await caught(sender().send({ ...text, to: '+44 7700 900123' }));
    expect(error).toMatchObject({ code: '21211' });
    expect(String(error)).not.toContain('7700');
    expect(String((error as Error).cause)).not.toContain('7700');
  });

  it.each([
    ['a 500', { type: 'error', status: 500, code: 20500 }],
    ['a 503', { type: 'error', status: 503, code: 20500 }],
    ['a 429', { type: 'error', status: 429, code: 20429 }],
    ['a 401 (credentials, fixed by configuration)', { type: 'error', status: 401, code: 20003 }],
    ['a dropped connection', { type: 'drop' }],
  ] as const)('maps %s to ToolUnavailableError, with no retry by the SDK', async (_, fault) => {
    twilio.script(fault);
    const error = await caught(sender().send(text));
    expect(error).toBeInstanceOf(ToolUnavailableError);
    expect(twilio.calls).toBe(1);
    expect(String((error as Error).cause)).not.toContain('7700');
  });

  it('maps a wrong auth token to ToolUnavailableError', async () => {
    const error = await caught(sender({ authToken: 'wrong' }).send(text));
    expect(error).toBeInstanceOf(ToolUnavailableError);
    expect(String((error as Error).cause)).toContain('401');
    expect(twilio.messages).toHaveLength(0);
  });

  it('maps a server that is down to ToolUnavailableError', async () => {
    const down = sender();
    await twilio.close();
    expect(await caught(down.send(text))).toBeInstanceOf(ToolUnavailableError);
  });

  it('may leave a timed-out text accepted: the window the outbox must document', async () => {
    twilio.script({ type: 'slow', delayMs: 2_000 });
    expect(await caught(sender().send(text))).toBeInstanceOf(ToolUnavailableError);
    expect(twilio.messages).toHaveLength(1);
  });

  it.each([
    ['an account SID that is not AC…', { accountSid: 'SK123' }],
    ['an empty auth token', { authToken: '' }],
    ['a base URL that is not a URL', { baseUrl: 'twilio' }],
    ['a timeout of zero', { timeoutMs: 0 }],
  ])('refuses %s at creation', (_, overrides) => {
    expect(() => sender(overrides)).toThrow();
  });
});
