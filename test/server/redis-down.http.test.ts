import { describe, expect, it } from 'vitest';
import { startRedis } from '../support/redis.ts';
import { startTestServer } from './support.ts';

describe('a server whose Redis goes away', () => {
  it('answers 503 at once with a kind sentence instead of hanging or starting a new session', async () => {
    const redis = await startRedis();
    const server = await startTestServer({ REDIS_URL: redis.url }, { turnDeadlineMs: 1_000 });
    try {
      const first = await server.post('/chat', { user_message: 'hello' });
      expect(first.status).toBe(200);
      redis.stop();
      await new Promise((resolve) => setTimeout(resolve, 200));

      const started = Date.now();
      const reply = await server.post('/chat', {
        user_message: 'hello again',
        session_id: first.body.session_id,
      });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(reply.status).toBe(503);
      expect(reply.body).toMatchObject({ error: { code: 'unavailable' } });
      expect(reply.body.response).toMatch(/try again/);

      const health = await server.get('/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({
        checks: { sessions: { ok: false }, dataDir: { ok: true } },
      });
    } finally {
      await server.close();
    }
  });
});
