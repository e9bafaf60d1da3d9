import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/main.ts';
import { startResponsesServer, type ResponsesServer } from '../fakes/responses-server.ts';
import { envelope } from '../llm/scripted-registration.ts';
import { chat } from '../support/http.ts';

const ADMIN_TOKEN = 'model-test-admin-token';
let model: ResponsesServer;
let server: RunningServer;

beforeAll(async () => {
  model = await startResponsesServer();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: await mkdtemp(join(tmpdir(), 'model-')),
    ADMIN_TOKEN,
    LOG_LEVEL: 'silent',
    OPENAI_API_KEY: 'sk-test-local-only',
    OPENAI_MODEL: 'test-model',
    OPENAI_BASE_URL: model.baseUrl,
  });
  server = await startServer(config, { log: () => {} });
});

afterAll(async () => {
  await server.close();
  await model.close();
});

describe('a server configured with OPENAI_API_KEY', () => {
  it('reads replies with the model, falls back offline when it fails, and counts the tokens', async () => {
    const start = await chat(server.url, { user_message: 'hi, my code is 200-Lions-U10-2526' });
    expect(model.requests).toHaveLength(0);
    const session_id = start.body.session_id;

    // More than a name (", thanks"): a reply the parser reads surely would not reach the model.
    model.script({
      type: 'json',
      value: envelope({
        kind: 'answer',
        answer: { parentFirstName: 'Sarah', parentLastName: "O'Brien" },
        reply: 'Lovely to meet you, Sarah.',
      }),
    });
    const named = await chat(server.url, { user_message: 'sarah o’brien, thanks', session_id });
    expect(named.body.routine_number).toBe(2);
    expect(named.body.response).toMatch(/^Lovely to meet you, Sarah\./);
    expect(model.requests.at(-1)?.model).toBe('test-model');

    model.script(...[1, 2, 3].map(() => ({ type: 'status', status: 500 }) as const));
    const fallback = await chat(server.url, { user_message: 'Leo O’Brien, thanks', session_id });
    expect(fallback.body.routine_number).toBe(3);

    const status = await fetch(`${server.url}/agent/status`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const body = (await status.json()) as {
      model: string;
      usage: { modelTurns: number; fallbacks: number; inputTokens: number };
    };
    expect(body.model).toBe('test-model');
    expect(body.usage).toMatchObject({ modelTurns: 1, fallbacks: 1 });
    expect(body.usage.inputTokens).toBeGreaterThan(0);
  });
});
