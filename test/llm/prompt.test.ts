import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FACTS_LABEL, RECENT_CHARS, RECENT_MESSAGES } from '../../machines/prompt.ts';
import {
  formatName,
  startResponsesServer,
  type ResponsesRequest,
  type ResponsesServer,
} from '../fakes/responses-server.ts';
import { createHarness } from '../support/harness.ts';
import {
  envelope,
  llmInterpreter,
  REGISTRATION,
  REGISTRATION_MESSAGES,
  scriptedModel,
} from './scripted-registration.ts';

const UP_TO_SUMMARY = REGISTRATION_MESSAGES.slice(0, REGISTRATION_MESSAGES.indexOf('yes', 16) + 1);
const ROWS = [
  ...REGISTRATION,
  {
    says: 'no my mobile is abc',
    routine: 'confirmDetails',
    reply: envelope({ kind: 'correction', correction: { routine: 'parentMobile', value: 'abc' } }),
  },
  {
    says: '07700 900 456',
    routine: 'parentMobile',
    reply: envelope({ answer: { parentMobile: '07700900456' } }),
  },
];

/** The prompt a request carries, measured in characters: instructions, then each message. */
function measure(request: ResponsesRequest | undefined) {
  if (!request || !Array.isArray(request.input)) throw new Error('no recorded request');
  const instructions = request.instructions ?? '';
  const messages = request.input.map((item) =>
    typeof item.content === 'string' ? item.content : '',
  );
  const facts = instructions.split('\n').find((line) => line.startsWith(FACTS_LABEL)) ?? '';
  const window = messages.slice(0, -1).reduce((sum, text) => sum + text.length, 0);
  const total = instructions.length + messages.reduce((sum, text) => sum + text.length, 0);
  return { total, facts: facts.length, window, rest: total - facts.length - window };
}

describe('the routine prompt', () => {
  let server: ResponsesServer;
  beforeEach(async () => {
    server = await startResponsesServer();
    server.otherwise(scriptedModel(ROWS));
  });
  afterEach(async () => {
    await server.close();
  });

  it('keeps a late turn within an early turn’s size plus the facts collected since', async () => {
    const interpreter = llmInterpreter(server, [], { modelEveryTurn: true });
    const harness = await createHarness({ interpreter });
    for (const text of [...UP_TO_SUMMARY, 'no my mobile is abc', '07700 900 456']) {
      await harness.say(text);
    }
    const asked = server.requests.filter(
      (request) => formatName(request) === 'routine_parentMobile',
    );
    expect(asked).toHaveLength(2);
    const [early, late] = asked.map(measure);
    if (!early || !late) return;
    const cap = RECENT_MESSAGES * (RECENT_CHARS + 1);

    expect(late.facts).toBeGreaterThan(early.facts);
    expect(late.rest).toBeLessThanOrEqual(early.rest);
    expect(late.window).toBeLessThanOrEqual(cap);
    expect(late.total).toBeLessThanOrEqual(early.total + (late.facts - early.facts) + cap);
  });

  it('carries only a bounded window of earlier messages on every turn', async () => {
    const interpreter = llmInterpreter(server, [], { modelEveryTurn: true });
    const harness = await createHarness({ interpreter });
    for (const text of REGISTRATION_MESSAGES) await harness.say(text);
    const sizes = server.requests.map(measure);
    expect(sizes).toHaveLength(REGISTRATION_MESSAGES.length - 1);
    const cap = RECENT_MESSAGES * (RECENT_CHARS + 1);
    for (const size of sizes) expect(size.window).toBeLessThanOrEqual(cap);
    for (const request of server.requests) {
      expect(Array.isArray(request.input) && request.input.length).toBeLessThanOrEqual(
        RECENT_MESSAGES + 1,
      );
    }
  });
});
