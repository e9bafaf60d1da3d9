import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { startInspectorRelay, type InspectorRelay } from '../../server/inspect-relay.ts';
import { startTestServer, type TestServer } from '../server/support.ts';

type Message = { type?: string; event?: { type?: string }; sessionId?: string };

/** A browser's side of the relay: every message the relay passes on. */
async function watch(relay: InspectorRelay) {
  const socket = new WebSocket(relay.wsUrl);
  const messages: Message[] = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as Message));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return { messages, close: () => socket.close() };
}

async function until(check: () => boolean, what: string) {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

describe('the Stately inspector switch', () => {
  let relay: InspectorRelay;
  let server: TestServer;
  beforeAll(async () => {
    relay = await startInspectorRelay({ port: 0 });
    server = await startTestServer({ NODE_ENV: 'development', INSPECT_URL: relay.wsUrl });
  });
  afterAll(async () => {
    await server?.close();
    await relay?.close();
  });

  it('streams a turn’s events through a relay bound to 127.0.0.1', async () => {
    expect(relay.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const browser = await watch(relay);
    const reply = await server.post('/chat', { user_message: '200-Lions-U10-2526' });
    expect(reply.status).toBe(200);
    const eventTypes = () =>
      browser.messages.filter((m) => m.type === '@xstate.event').map((m) => m.event?.type);
    await until(() => eventTypes().includes('team.found'), 'the effect outcome');
    // A first message has no notices of a last turn to clear: no turn.started before it.
    expect(eventTypes()).toEqual(
      expect.arrayContaining(['xstate.init', 'user.gaveCode', 'team.found']),
    );
    expect(eventTypes().indexOf('user.gaveCode')).toBeLessThan(eventTypes().indexOf('team.found'));
    expect(browser.messages.some((m) => m.type === '@xstate.snapshot')).toBe(true);
    browser.close();
  });

  it('serves the page that frames the inspector', async () => {
    const page = await fetch(relay.pageUrl).then((response) => response.text());
    expect(page).toContain('https://stately.ai/inspect');
    expect(page).toContain(relay.wsUrl);
  });

  it.each([
    [{ INSPECT_URL: 'ws://127.0.0.1:8080' }],
    [{ INSPECT_URL: 'ws://127.0.0.1:8080', NODE_ENV: 'production' }],
  ])('is refused in production (%o)', (env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        expect.stringMatching(/^INSPECT_URL: .*refused when NODE_ENV is production/),
      ]);
    }
  });

  it('is accepted in development', () => {
    const config = loadConfig({ INSPECT_URL: 'ws://127.0.0.1:8080', NODE_ENV: 'development' });
    expect(config.inspectUrl).toBe('ws://127.0.0.1:8080');
  });
});
