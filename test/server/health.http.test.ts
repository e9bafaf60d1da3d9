import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBE_TIMEOUT_MS } from '../../server/routes/health.ts';
import { freePort, startRedis } from '../support/redis.ts';
import { startTestServer, type TestServer } from './support.ts';

/** A local HTTP server: one that answers every request with `status`, or never answers. */
async function fakeApi(status: number | 'hang') {
  const sockets = new Set<Socket>();
  const server: Server = createServer((_request, response) => {
    if (status !== 'hang') response.writeHead(status).end();
  });
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const timed = async <T>(work: Promise<T>) => {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
};

describe('/health/live and /health/ready', () => {
  it('stays alive but not ready when Redis stops, and says so within the probe timeout', async () => {
    const redis = await startRedis();
    const server = await startTestServer({ REDIS_URL: redis.url });
    try {
      expect((await server.get('/health/ready')).status).toBe(200);
      redis.stop();
      await new Promise((resolve) => setTimeout(resolve, 200));

      expect(await server.get('/health/live')).toMatchObject({
        status: 200,
        body: { status: 'ok' },
      });
      for (const path of ['/health/ready', '/health']) {
        const { value, ms } = await timed(server.get(path));
        expect(ms).toBeLessThan(PROBE_TIMEOUT_MS + 1_500);
        expect(value.status).toBe(503);
        expect(value.body).toMatchObject({
          status: 'unavailable',
          checks: { sessions: { ok: false }, dataDir: { ok: true } },
        });
      }
    } finally {
      await server.close();
    }
  }, 20_000);

  describe('with GoCardless, Twilio and S3 configured', () => {
    let server: TestServer;
    let twilio: Awaited<ReturnType<typeof fakeApi>>;
    let s3: Awaited<ReturnType<typeof fakeApi>>;
    let ready: Awaited<ReturnType<TestServer['get']>>;
    let took: number;

    beforeAll(async () => {
      twilio = await fakeApi(401);
      s3 = await fakeApi('hang');
      const closedPort = await freePort();
      server = await startTestServer({
        GOCARDLESS_ACCESS_TOKEN: 'sandbox_token_0123456789',
        GOCARDLESS_WEBHOOK_SECRET: 'webhook-secret-0123456789',
        GOCARDLESS_BASE_URL: `http://127.0.0.1:${closedPort}`,
        TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'twilio-token-0123456789',
        TWILIO_FROM: '+447700900000',
        TWILIO_BASE_URL: twilio.url,
        S3_BUCKET: 'club-photos',
        AWS_REGION: 'eu-west-2',
        S3_ENDPOINT: s3.url,
      });
      ({ value: ready, ms: took } = await timed(server.get('/health/ready')));
    });
    afterAll(async () => {
      await server.close();
      await twilio.close();
      await s3.close();
    });

    it.each([
      ['GoCardless, on a closed port', 'gocardless', { ok: false, error: 'DependencyDownError' }],
      ['Twilio, answering 401 without credentials', 'twilio', { ok: true, reachable: true }],
      ['S3, never answering', 's3', { ok: false, error: 'TimeoutError' }],
      // The retention sweep waits in its queue from the start.
      ['the queues', 'queues', { ok: true, backlog: expect.any(Number), failed: 0 }],
    ])('reports %s without failing readiness', (_name, check, expected) => {
      expect(took).toBeLessThan(PROBE_TIMEOUT_MS + 1_500);
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({
        status: 'ok',
        checks: { [check]: { ...expected, required: false }, sessions: { ok: true } },
      });
    });
  });
});
