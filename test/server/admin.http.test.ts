import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestServer, type TestServer } from './support.ts';

describe('admin routes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('clears a session so that its next message starts afresh', async () => {
    const first = await server.post('/chat', { user_message: '200-Lions-U10-2526' });
    const sessionId = first.body.session_id;
    const cleared = await server.post('/clear', { session_id: sessionId }, bearer());
    expect(cleared).toMatchObject({ status: 200, body: { cleared: true, session_id: sessionId } });

    const next = await server.post('/chat', { user_message: 'Jo Bloggs', session_id: sessionId });
    expect(next.body).toMatchObject({ last_agent: 'generic', routine_number: null });
  });

  it('refuses to clear an odd session id', async () => {
    const reply = await server.post('/clear', { session_id: '../../etc' }, bearer());
    expect(reply).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
  });

  it('shows and keeps the local tool mode', async () => {
    expect((await server.get('/agent/status', bearer())).body).toEqual({
      mode: 'local',
      available_modes: ['local'],
      model: null,
      usage: null,
    });
    const local = await server.post('/agent/mode', { mode: 'local' }, bearer());
    expect(local).toMatchObject({ status: 200, body: { mode: 'local' } });
  });

  it.each([
    [{ mode: 'mcp' }, 'mcp_not_configured'],
    [{ mode: 'remote' }, 'invalid_request'],
    [{}, 'invalid_request'],
  ])('refuses the tool mode %o with 400', async (body, code) => {
    const reply = await server.post('/agent/mode', body, bearer());
    expect(reply).toMatchObject({ status: 400, body: { error: { code } } });
    expect((await server.get('/agent/status', bearer())).body.mode).toBe('local');
  });

  it.each([
    [
      'an unknown registration',
      '/admin/registrations/session-nobody-1',
      404,
      'registration_not_found',
    ],
    ['an odd registration id', '/admin/registrations/%2E%2E%2Fetc', 400, 'invalid_request'],
  ])('answers %s with the error shape', async (_name, path, status, code) => {
    const reply = await server.get(path, bearer());
    expect(reply).toMatchObject({ status, body: { error: { code } } });
    expect(reply.body.response).toEqual(expect.any(String));
  });

  it('lists no registrations on a fresh data folder', async () => {
    const reply = await server.get('/admin/registrations', bearer());
    expect(reply.body).toEqual({ registrations: [], count: 0 });
  });
});
