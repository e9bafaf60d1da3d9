import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAH_SCRIPT } from '../../server/dev-shortcut.ts';
import { bearer, startTestServer, type TestServer } from './support.ts';

describe('the "lah" shortcut in development', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: 'development' });
  });
  afterAll(() => server.close());

  it.each(['lah', ' LAH ', 'Lah'])(
    'replays an invented registration up to routine 29 for %j',
    async (text) => {
      const { status, body } = await server.post('/chat', { user_message: text });
      expect(status).toBe(200);
      expect(body).toMatchObject({ last_agent: 'new_registration', routine_number: 29 });
      expect(body.response).toMatch(/payment/i);

      const next = await server.post('/chat', {
        user_message: '15th',
        session_id: body.session_id,
      });
      expect(next.body.routine_number).toBe(30);
    },
  );

  it('saves only invented data', async () => {
    const { body } = await server.get('/admin/registrations', bearer());
    const records = body.registrations as { fields: Record<string, unknown> }[];
    expect(records.length).toBeGreaterThan(0);
    for (const { fields } of records) {
      expect(fields).toMatchObject({
        parent_first_name: 'Test',
        player_first_name: 'Test',
        parent_email: 'test@example.com',
        parent_telephone: '07700900000',
        team: 'Leopards',
        age_group: 'u9',
      });
    }
    // Each run invents another child (one registration per child), whatever day it is born on.
    const surnames = records.map(({ fields }) => String(fields.player_last_name));
    expect(surnames.every((surname) => /^Child-[a-z]{6}$/i.test(surname))).toBe(true);
    expect(new Set(surnames).size).toBe(records.length);
  });

  it('treats "lah" on a session already under way as an ordinary message', async () => {
    const first = await server.post('/chat', { user_message: '200-Lions-U10-2526' });
    const { body } = await server.post('/chat', {
      user_message: 'lah',
      session_id: first.body.session_id,
    });
    expect(body.routine_number).toBe(1);
  });

  it('plays the whole script through the real chat service', () => {
    const turns = server.logs.filter((line) => line.event === 'turn.completed');
    expect(turns.length).toBeGreaterThanOrEqual(LAH_SCRIPT.length * 3);
  });
});

describe('the "lah" shortcut outside development', () => {
  it.each(['production', 'test'])('is an ordinary message when NODE_ENV=%s', async (nodeEnv) => {
    const server = await startTestServer({ NODE_ENV: nodeEnv });
    try {
      const { status, body } = await server.post('/chat', { user_message: 'lah' });
      expect(status).toBe(200);
      expect(body).toMatchObject({ last_agent: 'generic', routine_number: null });
      expect(body.response).toMatch(/registration code/);
      expect(server.logs.some((line) => line.event.startsWith('dev.'))).toBe(false);
    } finally {
      await server.close();
    }
  });
});
