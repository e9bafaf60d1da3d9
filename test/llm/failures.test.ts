import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cancellationOf } from '../../tools/cancellation.ts';
import {
  startResponsesServer,
  type ResponsesServer,
  type Step,
} from '../fakes/responses-server.ts';
import { createHarness } from '../support/harness.ts';
import {
  envelope,
  llmInterpreter,
  type LogEntry,
  type LlmOptions,
} from './scripted-registration.ts';

const CODE = 'hi, my code is 200-Lions-U10-2526';
/** Read by the parser too, but more than a name: the model is asked. */
const NAME = 'sarah o’brien, thanks';
const GREETING = 'Lovely to meet you, Sarah.';
const good = {
  type: 'json',
  value: envelope({
    answer: { parentFirstName: 'Sarah', parentLastName: "O'Brien" },
    reply: GREETING,
  }),
} as const;
const schemaInvalid = {
  type: 'json',
  value: envelope({ answer: { parentFirstName: 42 } }),
} as const;
const fast = { timeoutMs: 2_000, maxRetries: 2 };

type Row = {
  name: string;
  steps: Step[];
  options: LlmOptions;
  requests: number;
  usesModel: boolean;
};

const rows: Row[] = [
  { name: 'structured output', steps: [good], options: fast, requests: 1, usesModel: true },
  {
    name: '429 then success',
    steps: [{ type: 'status', status: 429, retryAfterMs: 20 }, good],
    options: fast,
    requests: 2,
    usesModel: true,
  },
  {
    name: '500 then success (SDK backoff)',
    steps: [{ type: 'status', status: 500 }, good],
    options: fast,
    requests: 2,
    usesModel: true,
  },
  {
    name: '429 until the retries run out',
    steps: [1, 2, 3].map(() => ({ type: 'status', status: 429, retryAfterMs: 10 }) as const),
    options: fast,
    requests: 3,
    usesModel: false,
  },
  {
    name: 'a hang, then success within the retries',
    steps: [{ type: 'hang' }, good],
    options: { timeoutMs: 200, maxRetries: 1 },
    requests: 2,
    usesModel: true,
  },
  {
    name: 'a hang on every attempt (timeout)',
    steps: [{ type: 'hang' }, { type: 'hang' }],
    options: { timeoutMs: 200, maxRetries: 1 },
    requests: 2,
    usesModel: false,
  },
  {
    name: 'invalid JSON, then schema-invalid after the repair',
    steps: [{ type: 'text', text: '{"kind": "answer", "answer": ' }, schemaInvalid],
    options: fast,
    requests: 2,
    usesModel: false,
  },
  {
    name: 'schema-invalid, then repaired',
    steps: [schemaInvalid, good],
    options: fast,
    requests: 2,
    usesModel: true,
  },
  {
    name: 'a refusal',
    steps: [{ type: 'refusal', text: "I can't help with that." }],
    options: fast,
    requests: 1,
    usesModel: false,
  },
  {
    name: 'a response body that is not JSON',
    steps: [{ type: 'garbage' }],
    options: fast,
    requests: 1,
    usesModel: false,
  },
];

describe('the LLM interpreter when the model misbehaves', () => {
  let server: ResponsesServer;
  let offlineState: string;
  beforeAll(async () => {
    const offline = await createHarness();
    await offline.say(CODE);
    offlineState = (await offline.say(NAME)).state;
  });
  beforeEach(async () => {
    server = await startResponsesServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it.each(rows)('handles $name', async ({ steps, options, requests, usesModel }) => {
    server.script(...steps);
    const logs: LogEntry[] = [];
    const harness = await createHarness({ interpreter: llmInterpreter(server, logs, options) });
    await harness.say(CODE);
    expect(server.requests).toHaveLength(0);

    const result = await harness.say(NAME);

    expect(result.state).toBe(offlineState);
    expect(result.reply).toContain("What's your child's full name?");
    expect(result.reply.startsWith(GREETING)).toBe(usesModel);
    expect(server.requests).toHaveLength(requests);
    expect(server.remaining()).toBe(0);
    const fallbacks = logs.filter((entry) => entry.event === 'llm.fallback');
    expect(fallbacks).toHaveLength(usesModel ? 0 : 1);
    expect(JSON.stringify(logs)).not.toMatch(/sarah|brien/i);
  });

  it('sends the validation error back once, and only once', async () => {
    server.script(schemaInvalid, schemaInvalid);
    const logs: LogEntry[] = [];
    const harness = await createHarness({ interpreter: llmInterpreter(server, logs, fast) });
    await harness.say(CODE);
    await harness.say(NAME);
    const [first, second] = server.requests;
    expect(JSON.stringify(second?.input)).toContain('did not match the required JSON schema');
    expect(JSON.stringify(second?.input)).toContain('parentFirstName');
    expect(Array.isArray(second?.input) && Array.isArray(first?.input)).toBe(true);
    expect(logs.map((entry) => entry.event)).toContain('llm.repair');
    expect(logs.find((entry) => entry.event === 'llm.fallback')?.data).toEqual({
      routine: 1,
      problem: 'invalid',
    });
  });

  it('gives up without a fallback when the parent hangs up', async () => {
    server.script({ type: 'hang' });
    const logs: LogEntry[] = [];
    const harness = await createHarness({ interpreter: llmInterpreter(server, logs, fast) });
    await harness.say(CODE);
    const hangUp = new AbortController();
    setTimeout(() => hangUp.abort(), 100);
    const reply = harness.chat.reply({
      sessionId: harness.sessionId,
      text: NAME,
      cancel: cancellationOf(hangUp.signal),
    });
    await expect(reply).rejects.toThrow();
    expect(logs.map((entry) => entry.event)).not.toContain('llm.fallback');
    expect((await harness.chat.peek(harness.sessionId))?.state).toBe('newRegistration.parentName');
  });
});
