import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestServer, type TestServer } from '../server/support.ts';

describe('the job dashboard (bull-board) with BullMQ', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each(['/admin/queues', '/admin/queues/api/queues'])(
    'refuses %s without the admin token',
    async (path) => {
      const wrong = await server.get(path, bearer('not-the-admin-token-at-all'));
      const none = await server.get(path);
      expect([wrong.status, none.status]).toEqual([401, 401]);
      expect(none.headers.get('www-authenticate')).toMatch(/^Basic /);
    },
  );

  it('shows its page with the token', async () => {
    const page = await fetch(`${server.url}/admin/queues`, { headers: bearer() });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/html/);
    expect(await page.text()).toContain('Bull Dashboard');
  });

  it('lists the queues, also to a browser sending the token by Basic auth', async () => {
    const basic = `Basic ${Buffer.from(`admin:${'test-admin-token-0123456789'}`).toString('base64')}`;
    const reply = await server.get('/admin/queues/api/queues', { authorization: basic });
    expect(reply.status).toBe(200);
    const names = (reply.body.queues as { name: string }[]).map((queue) => queue.name);
    expect(names).toEqual(expect.arrayContaining(['photos', 'sms', 'retention']));
  });
});

describe('the job dashboard without Redis', () => {
  it('is not there (the SQLite job queue has no bull-board)', async () => {
    const server = await startTestServer({ REDIS_URL: '' });
    try {
      expect((await server.get('/admin/queues', bearer())).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
