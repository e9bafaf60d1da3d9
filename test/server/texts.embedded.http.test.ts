import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/http.ts';
import {
  bearer,
  childFor,
  registerUntilPhoto,
  startTestServer,
  type TestServer,
} from './support.ts';

describe('texts with no Twilio (the embedded default: the queue in the SQLite file, the log sender)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ REDIS_URL: '', PUBLIC_BASE_URL: 'http://localhost:8000' });
  });
  afterAll(() => server.close());

  it('sends the payment link through the queue, keeps the whole text in the outbox and logs only its masked number and link', async () => {
    await registerUntilPhoto(server, 8);
    const { body } = await server.get('/admin/registrations', bearer());
    const records = body.registrations as { id: string; fields: Record<string, unknown> }[];
    const record = records.find((found) => found.fields.player_first_name === childFor(8));
    // The texted link: a random token, never the billing request's id.
    const link = /^.*http:\/\/localhost:8000\/reg_setup\/[A-Za-z0-9_-]{32}$/;
    const texts = await eventually(async () => {
      const listed = await server.get(`/admin/texts?registration_id=${record?.id}`, bearer());
      expect(listed.body.texts).toMatchObject([{ status: 'sent' }]);
      return listed.body.texts as Record<string, unknown>[];
    });
    expect(texts[0]).toMatchObject({
      to: '+447700900123',
      provider_id: expect.stringMatching(/^LOG[0-9a-f]{32}$/),
      attempts: 1,
      last_error: null,
    });
    expect(texts[0]?.body).toMatch(link);
    const { body: after } = await server.get(`/admin/registrations/${record?.id}`, bearer());
    expect(after).toMatchObject({ fields: { sms_delivery_status: 'sent' } });
    const sent = server.logs.filter((line) => line.event === 'sms.sent');
    expect(sent).toEqual([
      {
        event: 'sms.sent',
        data: expect.objectContaining({ to: '+4477•••••123', link: expect.stringMatching(link) }),
      },
    ]);
    expect(JSON.stringify(server.logs)).not.toContain('almost complete');
  });

  it('answers 404 to a Twilio status callback when texts do not go through Twilio', async () => {
    const response = await fetch(`${server.url}/webhooks/twilio/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'MessageSid=SM0&MessageStatus=delivered',
    });
    expect(response.status).toBe(404);
  });

  it('keeps the failed list behind the admin token', async () => {
    expect((await server.get('/admin/texts?status=failed')).status).toBe(401);
    expect((await server.get('/admin/texts?status=lost', bearer())).status).toBe(400);
    expect((await server.get('/admin/texts?status=failed', bearer())).body).toEqual({
      texts: [],
      count: 0,
    });
  });
});
