import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisSnapshotStore } from '../../tools/snapshots/redis.ts';
import { IMAGES, registerUntilPhoto, startTestServer, type TestServer } from './support.ts';

/** The club frontend's origins (it may be opened either way) and one of its own session ids. */
const FRONTEND = 'http://localhost:3000';
const FRONTEND_BY_IP = 'http://127.0.0.1:3000';
const frontendId = () => `session-${Date.now()}-${Math.random().toString(36).slice(2, 11)}`;

type Answer = { status: number; headers: Headers; body: Record<string, unknown> };
type Call = { path: string; origin?: string; json?: unknown; form?: Record<string, string> };
type Photo = { bytes: Uint8Array; name: string; type: string };

/** One request as the club frontend (with its Origin) or an API client (without) makes it. */
async function call(server: TestServer, request: Call & { file?: Photo }): Promise<Answer> {
  const headers: Record<string, string> = request.origin ? { origin: request.origin } : {};
  let body: string | FormData | undefined;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.form) {
    const form = new FormData();
    for (const [name, value] of Object.entries(request.form)) form.append(name, value);
    const file = request.file;
    if (file) form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
    body = form;
  }
  const response = await fetch(`${server.url}${request.path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    ...(body === undefined ? {} : { body }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/**
 * What the club frontend needs of a refusal: a 2xx (it throws on anything else), a `response` it
 * types as the reply, hints it keeps (null), no `processing` (it would poll); and what an API
 * client needs: `error` with the code and the status it stands for.
 */
function expectChatReplyRefusal(answer: Answer, code: string, status: number, sentence: RegExp) {
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({
    error: { code, message: expect.any(String), status },
    last_agent: null,
    routine_number: null,
  });
  expect(answer.body.response).toMatch(sentence);
  expect(answer.body).not.toHaveProperty('processing');
  expect(String(answer.body.response)).not.toMatch(/[{}]|error|undefined/i);
  expect(answer.headers.get('access-control-allow-origin')).toBe(FRONTEND);
}

const tooBig = Buffer.concat([IMAGES.jpeg, Buffer.alloc(10 * 1024 * 1024)]);
const text = { bytes: Buffer.from('not a photo at all'), name: 'IMG_0001.jpg', type: 'image/jpeg' };
const jpeg = { bytes: IMAGES.jpeg, name: 'IMG_0002.jpg', type: 'image/jpeg' };

describe('the HTTP contract as the club frontend reads it', () => {
  let server: TestServer;
  /** A chat at routine 1 (its code given), and one at the photo step. */
  let early: string;
  let atPhoto: string;

  beforeAll(async () => {
    server = await startTestServer();
    early = frontendId();
    await call(server, {
      path: '/chat',
      origin: FRONTEND,
      json: { user_message: 'my code is 200-Lions-U10-2526', session_id: early },
    });
    atPhoto = await registerUntilPhoto(server, 21);
  }, 30_000);
  afterAll(() => server.close());

  // Each refusal: the request, the code, the status an API client sees, the sentence.
  const refusals: [string, () => Call & { file?: Photo }, string, number, RegExp][] = [
    [
      'a 2,511-character message',
      () => ({ path: '/chat', json: { user_message: 'a'.repeat(2_511), session_id: early } }),
      'message_too_long',
      400,
      /too long.*2,511.*shorter/,
    ],
    [
      'a text file sent as a photo',
      () => ({ path: '/upload-async', form: { session_id: atPhoto }, file: text }),
      'not_an_image',
      415,
      /JPEG|photo/,
    ],
    [
      'a photo over 10 MB',
      () => ({
        path: '/upload-async',
        form: { session_id: atPhoto },
        file: { ...jpeg, bytes: tooBig },
      }),
      'photo_too_large',
      413,
      /too big.*10 MB/,
    ],
    [
      'a photo before the photo step',
      () => ({ path: '/upload-async', form: { session_id: early }, file: jpeg }),
      'photo_not_expected',
      409,
      /can't take a photo just now/,
    ],
    [
      'a photo before the photo step, on the synchronous upload',
      () => ({ path: '/upload', form: { session_id: early }, file: jpeg }),
      'photo_not_expected',
      409,
      /can't take a photo just now/,
    ],
    [
      'a photo for a chat the server does not know',
      () => ({ path: '/upload-async', form: { session_id: frontendId() }, file: jpeg }),
      'session_not_found',
      404,
      /registration code/,
    ],
    [
      'a weak session id on /chat',
      () => ({ path: '/chat', json: { user_message: 'hi', session_id: 'session-aaaaaaaaaaaa' } }),
      'weak_session_id',
      400,
      /new tab/,
    ],
    [
      'a weak session id on an upload',
      () => ({ path: '/upload-async', form: { session_id: 'session-aaaaaaaaaaaa' }, file: jpeg }),
      'weak_session_id',
      400,
      /new tab/,
    ],
  ];

  it.each(refusals)(
    'answers %s with a chat reply, and the real status without an Origin',
    async (_name, request, code, status, sentence) => {
      expectChatReplyRefusal(
        await call(server, { ...request(), origin: FRONTEND }),
        code,
        status,
        sentence,
      );
      const api = await call(server, request());
      expect(api.status).toBe(status);
      expect(api.body).toMatchObject({
        error: { code, status },
        response: expect.stringMatching(sentence),
      });
    },
  );

  it('logs what a refusal answered 200 stands for', () => {
    const lines = server.logs.filter(
      (line) => line.event === 'http.request' && line.data?.code === 'message_too_long',
    );
    expect(lines.map((line) => [line.data?.status, line.data?.errorStatus])).toEqual([
      [200, 400],
      [400, undefined],
    ]);
  });

  it('ends the polling of an unknown upload with a sentence (complete: true)', async () => {
    const answer = await call(server, { path: `/upload-status/${frontendId()}`, origin: FRONTEND });
    expectChatReplyRefusal(answer, 'upload_not_found', 404, /haven't received a photo/);
    expect(answer.body.complete).toBe(true);
  });

  it('answers a message while the previous one is in hand with a chat reply', async () => {
    const store = await createRedisSnapshotStore(inject('redisUrl'), {
      prefix: server.redisKeyPrefix,
    });
    const held = await store.acquire({ machine: 'session', id: early });
    try {
      const answer = await call(server, {
        path: '/chat',
        origin: FRONTEND,
        json: { user_message: 'hello?', session_id: early },
      });
      expectChatReplyRefusal(answer, 'session_busy', 409, /send that again/);
    } finally {
      await held.release();
      await store.close();
    }
  });

  it('shows "Processing" while a photo is processed, and answers both origins', async () => {
    const accepted = await call(server, {
      path: '/upload-async',
      origin: FRONTEND_BY_IP,
      form: { session_id: atPhoto },
      file: jpeg,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('access-control-allow-origin')).toBe(FRONTEND_BY_IP);
    expect(accepted.body).toMatchObject({ processing: true, session_id: atPhoto });
    expect(accepted.body.response).toMatch(/Processing/);
    expect(accepted.body).not.toHaveProperty('error');
  });

  it('keeps a normal reply free of `error`, so an API client tells them apart', async () => {
    const answer = await call(server, {
      path: '/chat',
      origin: FRONTEND,
      json: { user_message: 'hello', session_id: frontendId() },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).not.toHaveProperty('error');
    expect(answer.body.response).toEqual(expect.any(String));
  });

  it('names no button icon in the photo prompt (the frontend draws "+")', async () => {
    const answer = await call(server, {
      path: '/chat',
      origin: FRONTEND,
      json: { user_message: 'what now?', session_id: atPhoto },
    });
    expect(answer.body.response).toMatch(/upload/);
    expect(answer.body.response).not.toMatch(/📎|\+ button|paperclip/);
  });
});

describe('limits as the club frontend meets them', () => {
  it.each([
    ['too many messages', { RATE_LIMIT_PER_MINUTE: '2' }, 'rate_limited', /wait a minute/],
    ['too many new chats', { NEW_SESSIONS_PER_HOUR: '2' }, 'too_many_sessions', /new chats/],
  ])('answers %s with a chat reply and Retry-After', async (_name, env, code, sentence) => {
    const server = await startTestServer(env);
    try {
      const answers: Answer[] = [];
      for (let i = 0; i < 3; i += 1) {
        answers.push(
          await call(server, {
            path: '/chat',
            origin: FRONTEND,
            json: { user_message: 'hello', session_id: frontendId() },
          }),
        );
      }
      const refused = answers[2] as Answer;
      expectChatReplyRefusal(refused, code, 429, sentence);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('answers a turn past its deadline with a chat reply', async () => {
    const server = await startTestServer({}, { turnDeadlineMs: 1 });
    try {
      const answer = await call(server, {
        path: '/chat',
        origin: FRONTEND,
        json: { user_message: 'hello', session_id: frontendId() },
      });
      expectChatReplyRefusal(answer, 'turn_timeout', 503, /try again/);
    } finally {
      await server.close();
    }
  });
});
