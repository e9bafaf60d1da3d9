import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTwilioRequest, startTwilioServer, type TwilioServer } from '../fakes/twilio-server.ts';
import { eventually } from '../support/http.ts';
import {
  bearer,
  childFor,
  PERSONAL_DATA,
  registerUntilPhoto,
  startTestServer,
  type TestServer,
} from './support.ts';

const PUBLIC_BASE_URL = 'https://register.example.org';
const STATUS_PATH = '/webhooks/twilio/status';
/** Production waits 2 s before the first retry (8 tries over about 4 minutes); here 100 ms. */
const TEXT_RETRY = { attempts: 10, backoffMs: 100 };

type Text = {
  key: string;
  registration_id: string;
  to: string;
  body: string;
  status: string;
  provider_id: string | null;
  attempts: number;
  last_error: string | null;
};

describe('texts through Twilio (the real twilio client against the local Twilio server)', () => {
  let twilio: TwilioServer;
  let server: TestServer;

  beforeAll(async () => {
    twilio = await startTwilioServer();
    server = await startTestServer(
      {
        PUBLIC_BASE_URL,
        TWILIO_ACCOUNT_SID: twilio.accountSid,
        TWILIO_AUTH_TOKEN: twilio.authToken,
        TWILIO_FROM: '+447700900000',
        TWILIO_BASE_URL: twilio.baseUrl,
      },
      { textRetry: TEXT_RETRY },
    );
  });
  afterAll(async () => {
    await server.close();
    await twilio.close();
  });

  const registrationOf = async (shirt: number) => {
    const { body } = await server.get('/admin/registrations', bearer());
    const all = body.registrations as { id: string; fields: Record<string, unknown> }[];
    const found = all.find((record) => record.fields.player_first_name === childFor(shirt));
    if (!found) throw new Error(`no registration for ${childFor(shirt)}`);
    return found;
  };
  const textsOf = async (registrationId: string, status?: string) => {
    const query = new URLSearchParams({ registration_id: registrationId });
    if (status) query.set('status', status);
    const { body } = await server.get(`/admin/texts?${query}`, bearer());
    return body.texts as Text[];
  };
  const acceptedFor = (shirt: number) =>
    twilio.messages.filter((message) => message.body.includes(`${childFor(shirt)}'s registration`));
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20 * TEXT_RETRY.backoffMs));

  it('retries a text after a 500 and sends it once, with its status callback URL', async () => {
    const callsBefore = twilio.calls;
    twilio.script({ type: 'error', status: 500, code: 20500 });
    await registerUntilPhoto(server, 1);
    const { id } = await registrationOf(1);
    const [text] = await eventually(async () => {
      const texts = await textsOf(id, 'sent');
      expect(texts).toHaveLength(1);
      return texts;
    });
    await settle();
    expect(twilio.calls - callsBefore).toBe(2);
    expect(acceptedFor(1)).toHaveLength(1);
    expect(acceptedFor(1)[0]).toMatchObject({
      sid: text?.provider_id,
      to: '+447700900123',
      statusCallback: `${PUBLIC_BASE_URL}${STATUS_PATH}`,
    });
    expect(text).toMatchObject({ attempts: 2, last_error: null, to: '+447700900123' });
    expect((await registrationOf(1)).fields.sms_delivery_status).toBe('sent');
  });

  it('does not retry a text Twilio refuses (21211), and reports it on the record and in the failed list', async () => {
    const callsBefore = twilio.calls;
    twilio.script({ type: 'error', status: 400, code: 21211 });
    await registerUntilPhoto(server, 2);
    const { id } = await registrationOf(2);
    const failed = await eventually(async () => {
      const { body } = await server.get('/admin/texts?status=failed', bearer());
      const texts = (body.texts as Text[]).filter((text) => text.registration_id === id);
      expect(texts).toHaveLength(1);
      return texts;
    });
    await settle();
    expect(twilio.calls - callsBefore).toBe(1);
    expect(acceptedFor(2)).toHaveLength(0);
    expect(failed[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: 'invalid phone number',
      provider_id: null,
    });
    expect((await registrationOf(2)).fields).toMatchObject({
      sms_delivery_status: 'failed',
      sms_delivery_error: 'invalid phone number',
    });
  });

  it('carries on registering while Twilio is down for a few seconds (a minute in production), then sends every text exactly once', async () => {
    await twilio.down();
    const started = Date.now();
    await registerUntilPhoto(server, 3);
    await registerUntilPhoto(server, 4);
    const registered = Date.now() - started;
    const ids = [(await registrationOf(3)).id, (await registrationOf(4)).id];
    await eventually(async () => {
      for (const id of ids) {
        expect(await textsOf(id)).toMatchObject([
          { status: 'queued', last_error: 'provider unreachable' },
        ]);
      }
    });
    // Down for a few seconds in all, with every text still waiting for its next try.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 3_000 - registered)));
    expect(acceptedFor(3)).toHaveLength(0);
    await twilio.up();
    await eventually(async () => {
      for (const id of ids) expect(await textsOf(id, 'sent')).toHaveLength(1);
    }, 20_000);
    await settle();
    expect(acceptedFor(3)).toHaveLength(1);
    expect(acceptedFor(4)).toHaveLength(1);
    for (const id of ids) expect((await textsOf(id))[0]?.attempts).toBeGreaterThan(1);
  }, 40_000);

  describe('status callbacks', () => {
    let sid: string;
    let id: string;
    const via = () => `${server.url}${STATUS_PATH}`;

    beforeAll(async () => {
      await registerUntilPhoto(server, 5);
      id = (await registrationOf(5)).id;
      const [text] = await eventually(async () => {
        const texts = await textsOf(id, 'sent');
        expect(texts).toHaveLength(1);
        return texts;
      });
      sid = String(text?.provider_id);
    });

    it('refuses a callback signed with another token (403) and records nothing', async () => {
      const response = await twilio.postStatusCallback(sid, 'undelivered', {
        via: via(),
        signWith: 'not-the-auth-token',
        errorCode: '30003',
      });
      expect(response.status).toBe(403);
      expect((await registrationOf(5)).fields.sms_delivery_status).toBe('sent');
      expect(await textsOf(id, 'failed')).toHaveLength(0);
    });

    it('refuses a callback signed for another URL (403)', async () => {
      const response = await twilio.postStatusCallback(sid, 'delivered', {
        via: via(),
        url: `${server.url}${STATUS_PATH}`,
      });
      expect(response.status).toBe(403);
      expect((await registrationOf(5)).fields.sms_delivery_status).toBe('sent');
    });

    it.each([
      [
        'a signed form without a status',
        { MessageSid: 'SM0' },
        'application/x-www-form-urlencoded',
      ],
      ['a JSON body', {}, 'application/json'],
    ])('answers 400 to %s', async (_, params: Record<string, string>, type) => {
      const url = `${PUBLIC_BASE_URL}${STATUS_PATH}`;
      const form = { AccountSid: twilio.accountSid, ...params };
      const response = await fetch(via(), {
        method: 'POST',
        headers: {
          'content-type': type,
          'x-twilio-signature': signTwilioRequest(twilio.authToken, url, form),
        },
        body: type === 'application/json' ? JSON.stringify(form) : new URLSearchParams(form),
      });
      expect(response.status).toBe(400);
    });

    it('keeps delivered when sent arrives after it', async () => {
      const delivered = await twilio.postStatusCallback(sid, 'delivered', { via: via() });
      expect(delivered.status).toBe(200);
      const sent = await twilio.postStatusCallback(sid, 'sent', { via: via() });
      expect(sent.status).toBe(200);
      expect(await sent.json()).toMatchObject({ outcome: 'stale' });
      expect((await registrationOf(5)).fields.sms_delivery_status).toBe('delivered');
      expect(await textsOf(id)).toMatchObject([{ status: 'delivered' }]);
    });

    it('records an undelivered text with its reason on the record and in the failed list', async () => {
      await registerUntilPhoto(server, 6);
      const other = (await registrationOf(6)).id;
      const [text] = await eventually(async () => {
        const texts = await textsOf(other, 'sent');
        expect(texts).toHaveLength(1);
        return texts;
      });
      const otherSid = String(text?.provider_id);
      await twilio.postStatusCallback(otherSid, 'undelivered', { via: via(), errorCode: '30003' });
      await twilio.postStatusCallback(otherSid, 'sent', { via: via() });
      expect((await registrationOf(6)).fields).toMatchObject({
        sms_delivery_status: 'undelivered',
        sms_delivery_error: 'phone switched off or unreachable',
      });
      expect(await textsOf(other, 'failed')).toMatchObject([
        { last_error: 'phone switched off or unreachable' },
      ]);
    });
  });

  it('writes no phone number or text of a family to the log', () => {
    const logged = JSON.stringify(server.logs);
    for (const secret of [...PERSONAL_DATA, '7700900123', 'registration is almost complete']) {
      expect(logged).not.toContain(secret);
    }
    expect(server.logs.some((line) => line.event === 'sms.accepted')).toBe(true);
  });
});
