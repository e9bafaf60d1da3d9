import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startResponsesServer, type ResponsesServer } from '../fakes/responses-server.ts';
import { envelope } from '../llm/scripted-registration.ts';
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

describe('GET /metrics with a model configured', () => {
  let model: ResponsesServer;
  let server: TestServer;

  beforeAll(async () => {
    model = await startResponsesServer();
    server = await startTestServer({
      OPENAI_API_KEY: 'sk-test-local-only',
      OPENAI_MODEL: 'test-model',
      OPENAI_BASE_URL: model.baseUrl,
    });
  });
  afterAll(async () => {
    await server.close();
    await model.close();
  });

  it('counts model calls, tokens and fallbacks, with no personal data in a label', async () => {
    const start = await server.post('/chat', { user_message: 'hi, my code is 200-Lions-U10-2526' });
    const session_id = start.body.session_id;
    model.script({
      type: 'json',
      value: envelope({
        kind: 'answer',
        answer: { parentFirstName: 'Sarah', parentLastName: "O'Brien" },
        reply: 'Lovely to meet you, Sarah.',
      }),
    });
    // replies with more than the answer: the parser alone is not sure of them, so the model reads them
    await server.post('/chat', { user_message: 'sarah o’brien, thanks', session_id });
    model.script(...[1, 2, 3].map(() => ({ type: 'status', status: 500 }) as const));
    const fallback = await server.post('/chat', {
      user_message: 'Leo O’Brien, thanks',
      session_id,
    });
    expect(fallback.body.routine_number).toBe(3);

    const text = await (await fetch(`${server.url}/metrics`, { headers: bearer() })).text();
    const samples = parse(text);
    const sum = (name: string, labels: Record<string, string> = {}) =>
      samples
        .filter((s) => s.name === name)
        .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        .reduce((total, s) => total + s.value, 0);
    expect(sum('model_calls_total', { outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sum('model_tokens_total', { direction: 'input' })).toBeGreaterThan(0);
    expect(sum('model_tokens_total', { direction: 'output' })).toBeGreaterThan(0);
    expect(sum('model_fallbacks_total')).toBe(1);
    expect(sum('model_fallbacks_total', { problem: 'other' })).toBe(0);
    const values = samples.flatMap((s) => Object.values(s.labels)).join('\n');
    for (const secret of ['Sarah', 'Brien', 'Leo', String(session_id)]) {
      expect(values).not.toContain(secret);
    }
  }, 20_000);
});
