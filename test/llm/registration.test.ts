import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLlmMetrics } from '../../machines/llm-interpreter.ts';
import {
  formatName,
  startResponsesServer,
  type ResponsesServer,
} from '../fakes/responses-server.ts';
import { createHarness, type Harness } from '../support/harness.ts';
import {
  comparable,
  llmInterpreter,
  MESSY_MESSAGES,
  register,
  REGISTRATION,
  scriptedModel,
  type LogEntry,
} from './scripted-registration.ts';

describe('a whole registration in model mode', () => {
  let server: ResponsesServer;
  beforeEach(async () => {
    server = await startResponsesServer();
  });
  afterEach(async () => {
    await server.close();
  });

  /** The offline run's record, to compare a model run's with. */
  async function offlineRecord() {
    const offline = await createHarness();
    const replies = await register(offline);
    const [record] = await offline.ports.registrations.list();
    if (!record) throw new Error('the offline registration was not stored');
    return { replies, record: comparable(record) };
  }

  async function expectSameRecord(model: Harness, expected: Record<string, unknown>) {
    const [stored] = await model.ports.registrations.list();
    expect(stored).toBeTruthy();
    if (!stored) return;
    const actual = comparable(stored);
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const [field, value] of Object.entries(expected))
      expect([field, actual[field]]).toEqual([field, value]);
  }

  it('stores exactly the record the offline run stores', async () => {
    const offline = await offlineRecord();
    server.otherwise(scriptedModel());
    const logs: LogEntry[] = [];
    const model = await createHarness({ interpreter: llmInterpreter(server, logs) });
    const modelReplies = await register(model);

    expect(modelReplies.map((reply) => reply.state)).toEqual(
      offline.replies.map((reply) => reply.state),
    );
    expect(modelReplies.at(-1)?.state).toBe('newRegistration.registered');
    await expectSameRecord(model, offline.record);
    expect(logs.filter((entry) => entry.event === 'llm.fallback')).toEqual([]);
  });

  it('stores the same record from the messy replies, asking the model only about those', async () => {
    const { record } = await offlineRecord();
    server.otherwise(scriptedModel());
    const logs: LogEntry[] = [];
    const model = await createHarness({ interpreter: llmInterpreter(server, logs) });
    const replies = await register(model, MESSY_MESSAGES);

    expect(replies.at(-1)?.state).toBe('newRegistration.registered');
    await expectSameRecord(model, record);
    expect(server.requests.map(formatName)).toEqual([
      'routine_parentName',
      'routine_medicalIssues',
      'routine_paymentDay',
      'routine_paymentDay',
    ]);
    expect(replies[1]?.reply).toMatch(/^Lovely to meet you, Sarah\./);
    const asked = replies[MESSY_MESSAGES.indexOf('how much is it a month?')];
    expect(asked?.reply).toContain('£27.50 a month');
    expect(asked?.state).toBe('newRegistration.paymentDay');
    expect(logs.filter((entry) => entry.event === 'llm.fallback')).toEqual([]);
  });

  it('reads every reply of the plain registration without the model', async () => {
    server.otherwise(scriptedModel());
    const logs: LogEntry[] = [];
    const metrics = createLlmMetrics();
    const model = await createHarness({ interpreter: llmInterpreter(server, logs, { metrics }) });
    const replies = await register(model);
    expect(replies.at(-1)?.state).toBe('newRegistration.registered');
    expect(server.requests).toHaveLength(0);
    expect(logs.filter((entry) => entry.event === 'llm.usage')).toEqual([]);
    expect(metrics).toMatchObject({ offlineTurns: REGISTRATION.length, modelTurns: 0, calls: 0 });
  });

  it('calls the model once per message when told to ask about every turn, never for the code', async () => {
    server.otherwise(scriptedModel());
    const logs: LogEntry[] = [];
    const interpreter = llmInterpreter(server, logs, { modelEveryTurn: true });
    await register(await createHarness({ interpreter }));
    expect(server.requests).toHaveLength(REGISTRATION.length - 1);
    expect(server.requests.map(formatName)).not.toContain(null);
    const usage = logs.filter((entry) => entry.event === 'llm.usage');
    expect(usage).toHaveLength(REGISTRATION.length - 1);
    expect(usage[0]?.data).toMatchObject({ routine: 1, calls: 1, outcome: 'ok' });
  });
});
