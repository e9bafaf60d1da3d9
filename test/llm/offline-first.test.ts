import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { holdsOnlyAnswer } from '../../machines/confidence.ts';
import type { ModelCall } from '../../machines/llm-interpreter.ts';
import { startResponsesServer, type ResponsesServer } from '../fakes/responses-server.ts';
import { createHarness } from '../support/harness.ts';
import { envelope, llmInterpreter, REGISTRATION_MESSAGES } from './scripted-registration.ts';

const [CODE = '', NAME = '', CHILD = ''] = REGISTRATION_MESSAGES;
const AT_PARENT_NAME = [CODE];
const AT_DATE_OF_BIRTH = [CODE, NAME, CHILD];
const SARAH = { parentFirstName: 'Sarah', parentLastName: "O'Brien" };

describe('which replies hold only their answer', () => {
  it.each([
    ['sarah o’brien', SARAH, true],
    ['Sarah O’Brien thanks', SARAH, true],
    ['3rd feb 2016', { childDateOfBirth: '2016-02-03' }, true],
    ['07700 900 123', { parentMobile: '07700900123' }, true],
    ['Sarah@Example.com', { parentEmail: 'sarah@example.com' }, true],
    ['nope', { hasMedicalIssues: false, medicalIssues: null }, true],
    [
      '12 Acacia Avenue, Urmston, Manchester, M41 0AA',
      {
        parentAddress: {
          line1: '12 Acacia Avenue',
          town: 'Urmston',
          city: 'Manchester',
          postcode: 'M41 0AA',
        },
      },
      true,
    ],
    [
      '4 Flixton Road\nFlixton\nM41 5AB',
      { childAddress: { line1: '4 Flixton Road', town: 'Flixton', postcode: 'M41 5AB' } },
      true,
    ],
    ['asthma, hay fever', { hasMedicalIssues: true, medicalIssues: 'Asthma, Hay fever' }, true],
    ['sarah o’brien, leo’s mum', SARAH, false],
    ['sarah o’brien?', SARAH, false],
    ['Sarah O’Brien. Is the kit included', SARAH, false],
    [
      'sorry it’s sarah o’brien',
      { parentFirstName: 'Sorry', parentLastName: "It's Sarah O'Brien" },
      false,
    ],
    ['3rd feb 2016 i think', { childDateOfBirth: '2016-02-03' }, false],
    ['the 3rd of feb 2016 he’s 9', { childDateOfBirth: '2016-02-03' }, false],
    ['sarah@example.com 07700900123', { parentEmail: 'sarah@example.com' }, false],
    ['nope he’s fit as a fiddle', { hasMedicalIssues: false, medicalIssues: null }, false],
    ['asthma and hay fever', { hasMedicalIssues: true, medicalIssues: 'Asthma, Hay fever' }, false],
    ['yes\nand my mobile changed', { detailsConfirmed: true }, false],
  ])('"%s" → %s: %s', (text, answer, only) => {
    expect(holdsOnlyAnswer(text, answer)).toBe(only);
  });
});

describe('the model only when needed', () => {
  let server: ResponsesServer;
  beforeEach(async () => {
    server = await startResponsesServer();
    server.otherwise(() => ({
      type: 'json',
      value: envelope({ kind: 'unclear', reason: 'Could you say that again?' }),
    }));
  });
  afterEach(async () => {
    await server.close();
  });

  it.each([
    { what: 'a clean name', before: AT_PARENT_NAME, says: 'sarah o’brien', calls: 0 },
    { what: 'a name and thanks', before: AT_PARENT_NAME, says: 'Sarah O’Brien thanks', calls: 0 },
    { what: 'a clean date', before: AT_DATE_OF_BIRTH, says: '3rd feb 2016', calls: 0 },
    {
      what: 'a name with more',
      before: AT_PARENT_NAME,
      says: 'sarah o’brien, leo’s mum',
      calls: 1,
    },
    {
      what: 'a correction word',
      before: AT_PARENT_NAME,
      says: 'sorry it’s sarah o’brien',
      calls: 1,
    },
    { what: 'a first name only', before: AT_PARENT_NAME, says: 'Dave', calls: 1 },
    { what: 'a side question', before: AT_PARENT_NAME, says: 'how much is it?', calls: 1 },
    { what: 'a doubtful date', before: AT_DATE_OF_BIRTH, says: '3rd feb 2016 i think', calls: 1 },
    { what: 'a date and an age', before: AT_DATE_OF_BIRTH, says: '3rd feb 2016, he’s 9', calls: 1 },
  ])('makes $calls model calls for $what', async ({ before, says, calls }) => {
    const harness = await createHarness({ interpreter: llmInterpreter(server, []) });
    for (const text of before) await harness.say(text);
    expect(server.requests).toHaveLength(0);
    const offline = await createHarness();
    for (const text of before) await offline.say(text);
    const byParser = await offline.say(says);

    const result = await harness.say(says);

    expect(server.requests).toHaveLength(calls);
    if (calls === 0) expect(result).toEqual({ ...byParser, sessionId: harness.sessionId });
  });

  it.each([
    ['more than a name', 'sarah o’brien, leo’s mum', []],
    ['a side question', 'how much is it?', ['club_info']],
    [
      'a question about the fees without a question mark',
      'sarah o’brien, what are the fees',
      ['club_info'],
    ],
  ])('offers the club_info tool only for %s', async (_, says, tools) => {
    const harness = await createHarness({ interpreter: llmInterpreter(server, []) });
    await harness.say(CODE);
    await harness.say(says);
    expect(
      server.requests.map((request) => (request.tools ?? []).map((tool) => tool.name)),
    ).toEqual([tools]);
  });

  it('tells the onModelCall hook about each turn that asked the model, and whether it fell back', async () => {
    const calls: ModelCall[] = [];
    const interpreter = llmInterpreter(server, [], { onModelCall: (call) => calls.push(call) });
    const harness = await createHarness({ interpreter });
    await harness.say(CODE);
    await harness.say('Dave');
    server.script({ type: 'refusal', text: 'No.' });
    await harness.say('sarah o’brien, leo’s mum');
    await harness.say('leo o’brien');
    expect(calls).toEqual([
      { calls: 1, tokens: expect.any(Number), fallback: false },
      { calls: 1, tokens: expect.any(Number), fallback: true },
    ]);
    expect(calls.every((call) => call.tokens > 0)).toBe(true);
    expect(server.requests).toHaveLength(2);
  });
});
