import { rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support.ts';

describe('the app around the routes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      CORS_ORIGINS: 'https://club.example.org',
    });
  });
  afterAll(() => server.close());

  it('reports every dependency ready on /health', async () => {
    const { status, body } = await server.get('/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      checks: { sessions: { ok: true }, uploadStatus: { ok: true }, dataDir: { ok: true } },
    });
  });

  it.each([
    ['an allowed origin', 'https://club.example.org', 'https://club.example.org'],
    ['another origin', 'https://evil.example.com', null],
  ])('answers CORS for %s', async (_name, origin, allowed) => {
    const preflight = await fetch(`${server.url}/chat`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(allowed);
    const { headers } = await server.post('/chat', { user_message: 'hi' }, { origin });
    expect(headers.get('access-control-allow-origin')).toBe(allowed);
  });

  it('serves the chat page with the ids a browser test relies on', async () => {
    const response = await fetch(`${server.url}/`);
    const html = await response.text();
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    for (const id of ['messages', 'message', 'send', 'photo']) expect(html).toContain(`id="${id}"`);
    expect(html).toMatch(/accept="image\/\*,\.heic,\.heif"/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it.each(['/app.js', '/markdown.js', '/style.css'])('serves %s', async (path) => {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).not.toMatch(/https?:\/\/(?!localhost)/);
  });

  it('reports 503 when the data folder stops being writable', async () => {
    const other = await startTestServer();
    try {
      await rm(other.dataDir, { recursive: true, force: true });
      await writeFile(other.dataDir, 'not a folder');
      const { status, body } = await other.get('/health');
      expect(status).toBe(503);
      expect(body).toMatchObject({ status: 'unavailable', checks: { dataDir: { ok: false } } });
    } finally {
      await other.close();
    }
  });
});
