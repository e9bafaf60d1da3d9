import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredRegistration } from '../../tools/registrations/registrations.ts';
import { journey } from '../machines/journeys.ts';
import { bearer, startTestServer, type TestServer } from './support.ts';

/** Two U16 registrations up to the payment link: one with no contact of the player's own, one with both. */
const upToPaymentLink = (child: string, mobile: string, email: string) => {
  const script = journey().map(([text]) => text);
  script.splice(0, 1, '200-Panthers-U16-2526');
  script.splice(2, 2, `${child} Jones`, '3rd feb 2010');
  script.splice(16, script.length - 16, mobile, email, 'yes', '15');
  return script;
};

describe('GET /admin/registrations?contact=via_parent', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    for (const script of [
      upToPaymentLink('Sam', "he hasn't got one", 'none'),
      upToPaymentLink('Ella', '07700 900 456', 'ella@example.com'),
    ]) {
      let sessionId: string | undefined;
      for (const message of script) {
        const { body } = await server.post('/chat', {
          user_message: message,
          session_id: sessionId,
        });
        sessionId = String(body.session_id);
      }
    }
  });
  afterAll(() => server.close());

  it('lists the players the club contacts through the parent, and only them', async () => {
    const all = await server.get('/admin/registrations', bearer());
    expect(all.body.count).toBe(2);
    const via = await server.get('/admin/registrations?contact=via_parent', bearer());
    const listed = via.body.registrations as StoredRegistration[];
    expect(listed.map((registration) => registration.fields.player_first_name)).toEqual(['Sam']);
    expect(listed[0]?.fields).toMatchObject({ player_contact_via_parent: 'Y' });
    expect(listed[0]?.fields.player_telephone).toBeUndefined();
  });

  it('refuses an unknown contact filter', async () => {
    const reply = await server.get('/admin/registrations?contact=sms', bearer());
    expect(reply).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
  });
});
