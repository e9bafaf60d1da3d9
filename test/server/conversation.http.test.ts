import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSCRIPT_MAX_BYTES, type ShownMessage } from '../../machines/chat-service.ts';
import { createHarness } from '../support/harness.ts';
import {
  bearer,
  childFor,
  IMAGES,
  pollUpload,
  registerUntilPhoto,
  REGISTRATION,
  startTestServer,
  type TestServer,
} from './support.ts';

const asSession = (sessionId: string) => ({ authorization: `Bearer ${sessionId}` });

describe('GET /conversation', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('gives back the messages shown in this chat, in order, with where it stands', async () => {
    let sessionId: string | undefined;
    const replies: string[] = [];
    const sent = REGISTRATION.slice(0, 4).map(([text]) => text);
    for (const text of sent) {
      const { body } = await server.post('/chat', { user_message: text, session_id: sessionId });
      sessionId = String(body.session_id);
      replies.push(String(body.response));
    }
    const { status, body } = await server.get('/conversation', asSession(String(sessionId)));
    expect(status).toBe(200);
    expect(body).toEqual({
      session_id: sessionId,
      messages: sent.flatMap((text, index) => [
        { from: 'parent', text },
        { from: 'assistant', text: replies[index] },
      ]),
      last_agent: 'new_registration',
      routine_number: 4,
    });
  });

  it('shows a photo sent as a message of its own', async () => {
    const sessionId = await registerUntilPhoto(server, 5);
    const file = { bytes: IMAGES.png, name: 'photo.png', type: 'image/png' };
    await server.upload('/upload-async', { session_id: sessionId }, file);
    await pollUpload(server, sessionId);
    const { body } = await server.get('/conversation', asSession(sessionId));
    const messages = body.messages as ShownMessage[];
    expect(messages.at(-2)).toEqual({ from: 'parent', text: '📎 Photo sent' });
    expect(messages.at(-1)?.from).toBe('assistant');
    expect(body.routine_number).toBe(35);
  });

  it.each([
    ['no Authorization', {}, 401, 'missing_session'],
    ['a Basic header', { authorization: 'Basic dXNlcjpwYXNz' }, 401, 'missing_session'],
    ['an odd id', asSession('../../etc/passwd'), 400, 'invalid_request'],
    ['a weak id', asSession('session-aaaaaaaaaaaa'), 400, 'weak_session_id'],
    ['an unknown id', asSession('session-1732190000000-n0b0dyh3r'), 404, 'session_not_found'],
  ])('refuses %s', async (_name, headers, status, code) => {
    const reply = await server.get('/conversation', headers);
    expect(reply).toMatchObject({ status, body: { error: { code } } });
    expect(reply.body.response).toMatch(/\w+/);
    expect(reply.body).not.toHaveProperty('messages');
  });

  it('never takes the session id from the URL', async () => {
    const { body } = await server.post('/chat', { user_message: 'hello' });
    const reply = await server.get(`/conversation?session_id=${String(body.session_id)}`);
    expect(reply.status).toBe(401);
  });

  it('is gone with the family when the club erases it', async () => {
    const sessionId = await registerUntilPhoto(server, 6);
    expect((await server.get('/conversation', asSession(sessionId))).status).toBe(200);
    const erased = await server.post(
      '/admin/erase',
      {
        season: '2526',
        first_name: childFor(6),
        last_name: "O'Brien",
        date_of_birth: '2016-02-03',
      },
      bearer(),
    );
    expect(erased.status).toBe(200);
    expect((await server.get('/conversation', asSession(sessionId))).status).toBe(404);
  });
});

describe('the transcript kept with a session', () => {
  const bytesOf = (messages: readonly ShownMessage[]) =>
    messages.reduce((sum, message) => sum + Buffer.byteLength(JSON.stringify(message)), 0);

  it.each([
    ['many short messages', 300, 100, 'x'],
    ['long messages', 30, 5_000, 'x'],
    ['multi-byte text', 100, 400, '⚽'],
  ])('keeps the latest of %s within the bound', async (_name, count, length, fill) => {
    const harness = await createHarness();
    for (let index = 0; index < count; index += 1) {
      await harness.say(`${index} `.padEnd(length, fill));
    }
    const kept = await harness.chat.transcript(harness.sessionId);
    const messages = kept?.messages ?? [];
    expect(bytesOf(messages)).toBeLessThanOrEqual(TRANSCRIPT_MAX_BYTES);
    expect(messages.length).toBeGreaterThan(2);
    expect(messages.every((message) => message.text.length <= 2_000)).toBe(true);
    expect(messages.at(-2)).toMatchObject({ from: 'parent' });
    expect(messages.at(-2)?.text).toMatch(new RegExp(`^${count - 1} `));
    expect(messages.at(-1)?.from).toBe('assistant');
  });

  it('moves the messages a session kept before the journal into it with its next turn', async () => {
    const harness = await createHarness();
    const key = { machine: 'session', id: harness.sessionId };
    const first = await harness.say('hello');
    // The session as the version before the journal saved it: its messages in the record.
    const stored = await harness.snapshots.load(key);
    const before: ShownMessage[] = [
      { from: 'parent', text: 'hello' },
      { from: 'assistant', text: first.reply },
    ];
    await harness.snapshots.delete(key);
    const held = await harness.snapshots.acquire(key);
    await held.commit({ ...stored!, extra: { ...stored!.extra, transcript: before } }, 3_600_000);
    expect((await harness.chat.transcript(harness.sessionId))?.messages).toEqual(before);

    const next = await harness.say('what time is training?');
    const after = [
      ...before,
      { from: 'parent', text: 'what time is training?' },
      { from: 'assistant', text: next.reply },
    ];
    expect((await harness.chat.transcript(harness.sessionId))?.messages).toEqual(after);
    expect((await harness.snapshots.load(key))?.extra).not.toHaveProperty('transcript');
    expect(await harness.snapshots.journal(key)).toEqual(after);
  });
});
