import { request } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support.ts';

/** A small seeded generator (mulberry32): the same bodies on every run. */
function seeded(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const bytes = (length: number) => Buffer.from(Array.from({ length }, () => int(256)));
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { int, bytes, pick };
}

type Case = { name: string; path: string; headers: Record<string, string>; body: Buffer };

const SESSION = 'session-1732190000000-f7zz9q2mx';
const json = (value: string) => Buffer.from(value, 'utf8');
const valid = () => json(`{"user_message":"hello","session_id":"${SESSION}","routine_number":1}`);
const jsonType = { 'content-type': 'application/json' };

/** Hostile bodies by kind, each made from the seed. */
function cases(seed: number, perKind: number): Case[] {
  const random = seeded(seed);
  const kinds: Record<string, () => Omit<Case, 'name'>> = {
    'corrupt encoding': () => {
      const encoding = random.pick(['gzip', 'deflate', 'br', 'gzip, deflate', 'identity', 'zstd']);
      const packed = random.pick([gzipSync, deflateSync, brotliCompressSync])(valid());
      const body = random.pick([
        random.bytes(1 + random.int(200)),
        packed.subarray(0, Math.max(1, random.int(packed.length))),
        Buffer.concat([packed, random.bytes(8)]),
        valid(),
      ]);
      return { path: '/chat', headers: { ...jsonType, 'content-encoding': encoding }, body };
    },
    'invalid UTF-8': () => {
      const bad = random.pick([
        [0xff],
        [0xc3],
        [0xed, 0xa0, 0x80],
        [0xf8, 0x88, 0x80],
        [0xc0, 0xaf],
      ]);
      const body = Buffer.concat([
        json('{"user_message":"hi '),
        Buffer.from(bad),
        json(`","session_id":"${SESSION}"}`),
      ]);
      const charset = random.pick([
        '',
        '; charset=utf-8',
        '; charset=latin1',
        '; charset=utf-7',
        '; charset=nonsense',
      ]);
      return { path: '/chat', headers: { 'content-type': `application/json${charset}` }, body };
    },
    'lone surrogates': () => {
      const surrogate = random.pick(['\\ud800', '\\udfff', '\\ud83d', 'x\\udc00y']);
      const field = random.pick(['user_message', 'last_agent', 'session_id', 'routine_number']);
      const body = json(
        `{"user_message":"hi","session_id":"${SESSION}","${field}":"${surrogate}"}`,
      );
      return { path: '/chat', headers: jsonType, body };
    },
    'deep nesting': () => {
      const depth = 1_000 + random.int(15_000);
      const [open, close] = random.pick([
        ['[', ']'],
        ['{"a":', '}'],
      ]);
      const nested = `${open.repeat(depth)}1${close.repeat(depth)}`;
      const body = json(
        random.pick([nested, `{"user_message":${nested},"session_id":"${SESSION}"}`]),
      );
      return { path: '/chat', headers: jsonType, body };
    },
    'huge fields': () => {
      const size = random.pick([2_001, 30_000, 40_000, 2_000_000]);
      const field = random.pick(['user_message', 'last_agent', 'session_id', 'routine_number']);
      const value = random.pick([`"${'x'.repeat(size)}"`, '1e308', '-0', String(2 ** 60), '"NaN"']);
      const body = json(`{"user_message":"hi","session_id":"${SESSION}","${field}":${value}}`);
      return { path: '/chat', headers: jsonType, body };
    },
    'mutated bodies': () => {
      const body = Buffer.from(valid());
      for (let flips = 1 + random.int(4); flips > 0; flips -= 1)
        body[random.int(body.length)] = random.int(256);
      return { path: random.pick(['/chat', '/clear', '/agent/mode']), headers: jsonType, body };
    },
    'broken multipart': () => {
      const boundary = random.pick(['x', 'a'.repeat(80), '']);
      const body = Buffer.concat([
        json(
          `--x\r\nContent-Disposition: form-data; name="session_id"\r\n\r\n${SESSION}\r\n--x\r\n`,
        ),
        random.bytes(random.int(300)),
      ]);
      const path = random.pick(['/upload', '/upload-async']);
      return {
        path,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body,
      };
    },
  };
  return Object.entries(kinds).flatMap(([name, make]) =>
    Array.from({ length: perKind }, () => ({ name, ...make() })),
  );
}

function send(url: string, item: Case): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(item.path, url),
      { method: 'POST', headers: { ...item.headers, 'content-length': String(item.body.length) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    // A server may answer (413) and close before reading a huge body: that is an answer too.
    req.on('error', (error: NodeJS.ErrnoException) =>
      ['EPIPE', 'ECONNRESET'].includes(error.code ?? '') ? resolve(413) : reject(error),
    );
    req.end(item.body);
  });
}

describe('hostile input (seeded fuzz)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    // The session the bodies name exists, so that a body that does parse reaches a real turn.
    await server.post('/chat', { user_message: 'hello', session_id: SESSION });
  });
  afterAll(() => server.close());

  const all = cases(20_26, 25);

  it.each([...new Set(all.map((item) => item.name))])(
    'never answers %s with a 5xx',
    async (name) => {
      const statuses = [];
      for (const item of all.filter((candidate) => candidate.name === name)) {
        const status = await send(server.url, item);
        statuses.push(status);
        if (status >= 500)
          throw new Error(`${status} for ${name}: ${item.body.subarray(0, 80).toString('hex')}`);
      }
      expect(statuses.every((status) => status >= 200 && status < 500)).toBe(true);
      // Hostile input is refused, not read: most of it is a 4xx.
      expect(statuses.filter((status) => status >= 400).length).toBeGreaterThan(0);
    },
  );

  it('logged no failure of its own', () => {
    expect(server.logs.filter((line) => line.event === 'http.failed')).toEqual([]);
  });
});
