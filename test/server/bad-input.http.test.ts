import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, IMAGES, startTestServer, type Reply, type TestServer } from './support.ts';

/** Every refusal has the one error shape, with a sentence a parent can read. */
function expectKindRefusal(reply: Reply, status: number, code?: string) {
  expect(reply.status).toBe(status);
  expect(reply.body).toMatchObject({
    error: { code: code ?? expect.any(String), message: expect.any(String) },
    response: expect.stringMatching(/\w+/),
  });
}

const MEGABYTE = JSON.stringify({ user_message: 'a'.repeat(1024 * 1024) });

describe('bad input', () => {
  let server: TestServer;
  let sessionId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const { body } = await server.post('/chat', { user_message: 'hello' });
    sessionId = String(body.session_id);
  });
  afterAll(() => server.close());

  it.each([
    ['malformed JSON', '{"user_message": hi', {}, 400, 'invalid_json'],
    ['a JSON string instead of an object', '"hello"', {}, 400, 'invalid_json'],
    ['a JSON array', '[]', {}, 400, 'invalid_request'],
    ['a missing user_message', {}, {}, 400, 'invalid_request'],
    ['user_message as a number', { user_message: 42 }, {}, 400, 'invalid_request'],
    ['an empty user_message', { user_message: '' }, {}, 400, 'invalid_request'],
    ['a blank user_message', { user_message: '   \n ' }, {}, 400, 'invalid_request'],
    ['2001 characters', { user_message: 'a'.repeat(2001) }, {}, 400, 'message_too_long'],
    ['a 1 MB body', MEGABYTE, {}, 413, 'too_large'],
    ['session_id ../../etc', { user_message: 'hi', session_id: '../../etc' }, {}, 400, undefined],
    [
      'session_id <script>',
      { user_message: 'hi', session_id: '<script>x</script>' },
      {},
      400,
      undefined,
    ],
    [
      'an emoji session_id',
      { user_message: 'hi', session_id: '😀😀😀😀😀😀😀😀' },
      {},
      400,
      undefined,
    ],
    [
      'a 500-character session_id',
      { user_message: 'hi', session_id: 's'.repeat(500) },
      {},
      400,
      undefined,
    ],
    ['a session_id number', { user_message: 'hi', session_id: 12345678 }, {}, 400, undefined],
    [
      'a hint of the wrong type',
      { user_message: 'hi', routine_number: { n: 1 } },
      {},
      400,
      undefined,
    ],
    [
      'text/plain',
      'user_message=hi',
      { 'content-type': 'text/plain' },
      415,
      'unsupported_media_type',
    ],
    [
      'a form body',
      'user_message=hi',
      { 'content-type': 'application/x-www-form-urlencoded' },
      415,
      'unsupported_media_type',
    ],
  ])('refuses %s on /chat', async (_name, body, headers, status, code) => {
    expectKindRefusal(await server.post('/chat', body, headers), status, code);
  });

  it('accepts 2000 characters', async () => {
    const { status } = await server.post('/chat', {
      user_message: 'a'.repeat(2000),
      session_id: sessionId,
    });
    expect(status).toBe(200);
  });

  it.each([
    ['an unknown route', 'GET', '/wp-admin.php', 404, 'not_found'],
    ['a wrong method', 'GET', '/chat', 405, 'method_not_allowed'],
    [
      'an unknown upload status',
      'GET',
      '/upload-status/session-1732190000000-n3v3rs33n',
      404,
      'upload_not_found',
    ],
    ['an odd upload-status id', 'GET', '/upload-status/%3Cscript%3E', 400, 'invalid_request'],
  ])('refuses %s', async (_name, method, path, status, code) => {
    const response = await fetch(`${server.url}${path}`, { method });
    const body = (await response.json()) as Record<string, unknown>;
    expectKindRefusal({ status: response.status, headers: response.headers, body }, status, code);
  });

  const photo = (bytes: Uint8Array, name = 'photo.jpg', type = 'image/jpeg') => ({
    bytes,
    name,
    type,
  });
  const garbage = Buffer.from('JPEG? no: just some bytes that are not an image at all');
  const tooBig = Buffer.concat([IMAGES.jpeg, Buffer.alloc(10 * 1024 * 1024)]);

  it.each([
    ['a text file named photo.jpg', photo(Buffer.from('hello, I am text')), 415, 'not_an_image'],
    ['garbage with a JPEG name and type', photo(garbage), 415, 'not_an_image'],
    ['a photo over 10 MB', photo(tooBig), 413, 'photo_too_large'],
    ['an empty file', photo(new Uint8Array()), 415, 'not_an_image'],
  ])('refuses %s on the uploads', async (_name, file, status, code) => {
    for (const path of ['/upload-async', '/upload']) {
      const reply = await server.upload(path, { session_id: sessionId }, file);
      expect(reply).toMatchObject({ status, body: { error: { code } } });
      expect(reply.body.response).toMatch(/photo/);
    }
  });

  it.each([
    ['a missing session', {}, true, 400, 'invalid_request'],
    ['an odd session id', { session_id: '../../etc/passwd' }, true, 400, 'invalid_request'],
    [
      'a missing file',
      { session_id: 'session-1732190000000-k3j9x2m1q' },
      false,
      400,
      'missing_file',
    ],
  ])('refuses %s on the uploads', async (_name, fields, withFile, status, code) => {
    const file = withFile ? photo(IMAGES.png, 'a.png', 'image/png') : undefined;
    expectKindRefusal(await server.upload('/upload-async', fields, file), status, code);
  });

  it('refuses a JSON body on the uploads with 415', async () => {
    const reply = await server.post('/upload-async', { session_id: sessionId, file: 'abc' });
    expectKindRefusal(reply, 415, 'unsupported_media_type');
    expect(reply.body.response).toBe('Please upload a JPEG, PNG, WebP or iPhone (HEIC) photo.');
  });

  it.each([
    ['no token', {}],
    ['a wrong token', bearer('not-the-admin-token-at-all')],
    ['a Basic header', { authorization: 'Basic dXNlcjpwYXNz' }],
  ])('refuses admin routes with %s (401)', async (_name, headers) => {
    for (const path of ['/admin/registrations', '/agent/status']) {
      const reply = await server.get(path, headers);
      expectKindRefusal(reply, 401, 'unauthorized');
      expect(reply.headers.get('www-authenticate')).toBe('Bearer');
    }
    expectKindRefusal(await server.post('/clear', { session_id: sessionId }, headers), 401);
  });

  it('never answered 500', () => {
    const statuses = server.logs.filter((line) => line.event === 'http.request');
    expect(statuses.length).toBeGreaterThan(30);
    expect(statuses.filter((line) => Number(line.data?.status) >= 500)).toEqual([]);
    expect(server.logs.filter((line) => line.event === 'http.failed')).toEqual([]);
  });
});

describe('limits', () => {
  it('answers 429 with Retry-After after too many messages from one address', async () => {
    const server = await startTestServer({ RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const replies = [];
      for (let i = 0; i < 4; i += 1)
        replies.push(await server.post('/chat', { user_message: 'hi' }));
      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 429]);
      expectKindRefusal(replies[3] as Reply, 429, 'rate_limited');
      expect(Number(replies[3]?.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await server.get('/health')).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('answers 403 on admin routes while ADMIN_TOKEN is unset', async () => {
    const server = await startTestServer({ ADMIN_TOKEN: '' });
    try {
      const reply = await server.get('/admin/registrations', bearer());
      expectKindRefusal(reply, 403, 'admin_disabled');
      expect((reply.body.error as { message: string }).message).toMatch(/ADMIN_TOKEN/);
    } finally {
      await server.close();
    }
  });
});
