import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerFromFaq } from '../../machines/faq.ts';
import { defaultClub } from '../../routines/club.ts';
import {
  startResponsesServer,
  type ResponsesServer,
  type Step,
} from '../fakes/responses-server.ts';
import { createHarness } from '../support/harness.ts';
import {
  envelope,
  llmInterpreter,
  REGISTRATION,
  REGISTRATION_MESSAGES,
  scriptedModel,
  type LogEntry,
} from './scripted-registration.ts';

const CODE = REGISTRATION_MESSAGES[0] ?? '';
const UP_TO_SUMMARY = REGISTRATION_MESSAGES.slice(0, REGISTRATION_MESSAGES.indexOf('yes', 16) + 1);
const json = (fields: Record<string, unknown>): Step => ({ type: 'json', value: envelope(fields) });

describe('the LLM interpreter within the machine’s rules', () => {
  let server: ResponsesServer;
  let logs: LogEntry[];
  beforeEach(async () => {
    server = await startResponsesServer();
    logs = [];
  });
  afterEach(async () => {
    await server.close();
  });

  async function atParentName() {
    const harness = await createHarness({ interpreter: llmInterpreter(server, logs) });
    await harness.say(CODE);
    return harness;
  }

  it('answers a side question through the club_info tool and asks the same question again', async () => {
    const harness = await atParentName();
    server.script(
      { type: 'toolCall', name: 'club_info', args: { question: 'how much is it?' } },
      json({ kind: 'question', reply: "It's £45 to sign on, then £27.50 a month." }),
    );
    const result = await harness.say('how much is it?');
    expect(result.state).toBe('newRegistration.parentName');
    expect(result.reply).toContain('£27.50 a month');
    expect(result.reply).toContain("What's your full name");
    const fed = JSON.stringify(server.requests[1]?.input);
    expect(fed).toContain('function_call_output');
    expect(fed).toContain(
      JSON.stringify(answerFromFaq('how much is it?', defaultClub)).slice(1, -1),
    );
  });

  it('gives the model the last messages of the chat, read from its journal', async () => {
    const harness = await atParentName();
    server.script(json({ kind: 'question', reply: 'Training is on Saturday mornings.' }));
    await harness.say('when is training?');
    expect(server.requests).toHaveLength(1);
    const input = server.requests[0]?.input as { role: string; content: string }[];
    expect(input.map(({ role }) => role)).toEqual(['user', 'assistant', 'user']);
    expect(input[0]?.content).toBe(CODE);
    expect(input[1]?.content).toContain("What's your full name");
    expect(input[2]?.content).toBe('when is training?');
  });

  it('stops offering tools after two rounds and falls back when the model keeps calling them', async () => {
    const harness = await atParentName();
    const call: Step = { type: 'toolCall', name: 'club_info', args: { question: 'fees' } };
    server.script(call, call, call);
    const result = await harness.say('how much is it?');
    expect(server.requests.map((request) => request.tool_choice)).toEqual(['auto', 'auto', 'none']);
    expect(result.state).toBe('newRegistration.parentName');
    expect(result.reply).toContain('£27.50 a month');
    expect(logs.find((entry) => entry.event === 'llm.fallback')?.data).toMatchObject({
      problem: 'tooManyToolRounds',
    });
  });

  it.each([
    ['an extra key naming a state', { goto: 'registered', routine: 35 }],
    ['a reply naming a step', { reply: 'set routine 35' }],
  ])('never lets the model choose the next step (%s)', async (_, extra) => {
    const harness = await atParentName();
    server.script(
      json({ answer: { parentFirstName: 'Sarah', parentLastName: "O'Brien" }, ...extra }),
    );
    const result = await harness.say('sarah o’brien, thanks');
    expect(server.requests).toHaveLength(1);
    expect(result.state).toBe('newRegistration.childName');
    expect(result.routineNumber).toBe(2);
  });

  it('re-validates an answer with the routine’s own rules', async () => {
    server.otherwise(scriptedModel());
    const harness = await atParentName();
    await harness.say('sarah o’brien');
    await harness.say('leo o’brien');
    server.script(json({ answer: { childDateOfBirth: '2031-02-03' }, reply: 'Thanks!' }));
    const result = await harness.say('3rd feb 2031');
    expect(result.state).toBe('newRegistration.childDateOfBirth');
    expect(result.reply).toContain("That date hasn't happened yet.");
    expect(result.reply.startsWith('Thanks!')).toBe(false);
  });

  it('rejects a correction of an answer outside the correctable ones', async () => {
    const harness = await atParentName();
    const sneaky = json({ kind: 'correction', correction: { routine: 'registered', value: 'x' } });
    server.script(sneaky, sneaky);
    const result = await harness.say('sarah o’brien, thanks');
    expect(server.requests).toHaveLength(2);
    expect(result.state).toBe('newRegistration.childName');
    expect(logs.find((entry) => entry.event === 'llm.fallback')?.data).toMatchObject({
      problem: 'invalid',
    });
  });

  it('takes no model call for a registration code', async () => {
    await atParentName();
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    [
      'a new e-mail',
      'parentEmail',
      's.obrien@example.com',
      'no my email is s.obrien@example.com',
      'confirmDetails',
    ],
    ['an invalid mobile', 'parentMobile', 'abc', 'no my mobile is abc', 'parentMobile'],
  ])(
    'reads %s at the summary like the offline interpreter',
    async (_, routine, value, says, lands) => {
      const correction = envelope({ kind: 'correction', correction: { routine, value } });
      const rows = [...REGISTRATION, { says, routine: 'confirmDetails', reply: correction }];
      server.otherwise(scriptedModel(rows));
      const model = await createHarness({ interpreter: llmInterpreter(server, logs) });
      const offline = await createHarness();
      for (const text of UP_TO_SUMMARY) {
        await model.say(text);
        await offline.say(text);
      }
      const [byModel, byParser] = [await model.say(says), await offline.say(says)];
      expect(byModel).toEqual({ ...byParser, sessionId: model.sessionId });
      expect(byModel.state).toBe(`newRegistration.${lands}`);
    },
  );
});
