import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  childFor,
  IMAGES,
  PERSONAL_DATA,
  pollUpload,
  registerUntilPhoto,
  startTestServer,
  type TestServer,
} from './support.ts';

type Sample = { name: string; labels: Record<string, string>; value: number };

/** Prometheus's text format, one sample a line (no escaped quotes in our label values). */
function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`Not a sample: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
      );
      return { name: match[1] ?? '', labels, value: Number(match[3]) };
    });
}

const SHIRT = 21;

describe('GET /metrics after a registration', () => {
  let server: TestServer;
  let sessionId: string;
  let samples: Sample[];
  let text: string;

  beforeAll(async () => {
    server = await startTestServer();
    sessionId = await registerUntilPhoto(server, SHIRT);
    await server.upload(
      '/upload-async',
      { session_id: sessionId },
      { bytes: IMAGES.jpeg, name: 'leo.jpg', type: 'image/jpeg' },
    );
    expect((await pollUpload(server, sessionId)).body).toMatchObject({ routine_number: 35 });
    // A webhook that fails its signature check, and a page that does not exist.
    await server.post('/webhooks/gocardless', { events: [] }, { 'webhook-signature': 'nope' });
    await server.get(`/no/such/${sessionId}`);
    const response = await fetch(`${server.url}/metrics`, { headers: bearer() });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    text = await response.text();
    samples = parse(text);
  }, 30_000);
  afterAll(() => server.close());

  const total = (name: string, labels: Record<string, string> = {}) =>
    samples
      .filter((s) => s.name === name)
      .filter((s) => Object.entries(labels).every(([key, value]) => s.labels[key] === value))
      .reduce((sum, s) => sum + s.value, 0);

  it.each([
    ['/chat by its route and status', 'http_requests_total', { route: '/chat', status: '200' }],
    [
      'the upload status by its pattern',
      'http_requests_total',
      { route: '/upload-status/:session_id', method: 'GET' },
    ],
    ['a path no route matched', 'http_requests_total', { route: 'unmatched', status: '404' }],
    ['turns by routine', 'chat_turn_duration_seconds_count', { routine: '13' }],
    ['turns of a new session', 'chat_turn_duration_seconds_count', { routine: 'none' }],
    ['the team lookup', 'effects_total', { machine: 'session', effect: 'findTeam' }],
    ['the address lookup', 'effects_total', { effect: 'lookUpParentAddress' }],
    ['the rejected webhook', 'webhooks_total', { type: 'gocardless', outcome: 'rejected' }],
    ['the photo queue', 'jobs_queue_depth', { queue: 'photos', state: 'failed' }],
  ])('counts %s', (_name, metric, labels) => {
    const matching = samples.filter(
      (s) => s.name === metric && Object.entries(labels).every(([key, v]) => s.labels[key] === v),
    );
    expect(matching.length).toBeGreaterThan(0);
    if (metric !== 'jobs_queue_depth') expect(total(metric, labels)).toBeGreaterThan(0);
  });

  it('counts one turn per message of the registration', () => {
    // 22 messages, "where am i?" and the photo's own turn.
    expect(total('chat_turn_duration_seconds_count')).toBeGreaterThanOrEqual(24);
    expect(total('http_requests_total', { route: '/chat' })).toBeGreaterThanOrEqual(23);
  });

  it.each(['model_calls_total', 'model_tokens_total', 'model_fallbacks_total'])(
    'declares %s even with no model configured',
    (name) => expect(text).toContain(`# TYPE ${name} counter`),
  );

  it('holds no personal data and no session id in any label', () => {
    const values = samples.flatMap((s) => Object.values(s.labels)).map((v) => v.toLowerCase());
    expect(values.length).toBeGreaterThan(50);
    const secrets = [...PERSONAL_DATA, childFor(SHIRT), 'o’brien', 'm32', sessionId, 'session-'];
    for (const secret of secrets) {
      expect(values.filter((value) => value.includes(secret.toLowerCase()))).toEqual([]);
    }
    expect(text).not.toContain(sessionId);
  });

  it.each([
    ['no token', {}, 401],
    ['a wrong token', bearer('not-the-token-at-all-000000'), 401],
  ])('refuses a scrape with %s', async (_name, headers, status) => {
    const response = await fetch(`${server.url}/metrics`, { headers });
    expect(response.status).toBe(status);
    expect(await response.text()).not.toContain('http_requests_total');
  });
});
