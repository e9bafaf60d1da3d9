import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startResponsesServer, type ResponsesServer } from '../fakes/responses-server.ts';
import { createHarness } from '../support/harness.ts';
import {
  comparable,
  llmInterpreter,
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

  it('stores exactly the record the offline run stores', async () => {
    const offline = await createHarness();
    const offlineReplies = await register(offline);
    server.otherwise(scriptedModel());
    const logs: LogEntry[] = [];
    const model = await createHarness({ interpreter: llmInterpreter(server, logs) });
    const modelReplies = await register(model);

    expect(modelReplies.map((reply) => reply.state)).toEqual(
      offlineReplies.map((reply) => reply.state),
    );
    expect(modelReplies.at(-1)?.state).toBe('newRegistration.registered');
    const [offlineRecord] = await offline.ports.registrations.list();
    const [modelRecord] = await model.ports.registrations.list();
    expect(offlineRecord && modelRecord).toBeTruthy();
    if (!offlineRecord || !modelRecord) return;
    const expected = comparable(offlineRecord);
    const actual = comparable(modelRecord);
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const [field, value] of Object.entries(expected))
      expect([field, actual[field]]).toEqual([field, value]);
    expect(logs.filter((entry) => entry.event === 'llm.fallback')).toEqual([]);
  });

  it('calls the model once per message, never for the code', async () => {
    server.otherwise(scriptedModel());
    const logs: LogEntry[] = [];
    await register(await createHarness({ interpreter: llmInterpreter(server, logs) }));
    expect(server.requests).toHaveLength(REGISTRATION.length - 1);
    expect(server.requests.map((request) => request.text?.format.name)).not.toContain(undefined);
    const usage = logs.filter((entry) => entry.event === 'llm.usage');
    expect(usage).toHaveLength(REGISTRATION.length - 1);
    expect(usage[0]?.data).toMatchObject({ routine: 1, calls: 1, outcome: 'ok' });
  });
});
