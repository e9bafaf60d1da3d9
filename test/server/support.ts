import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { startServer, type RunningServer, type StartOptions } from '../../server/main.ts';
import { markedImage } from '../fixtures/photos/make.ts';
import { REGISTRATION } from '../support/registration-script.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** The clock of every HTTP test: the summer before the 2025-26 season. */
export const TEST_NOW = () => new Date('2025-08-01T10:00:00Z');

export type LogLine = { event: string; data?: Record<string, unknown> };

export type TestServer = RunningServer & {
  logs: LogLine[];
  dataDir: string;
  /** The prefix of this server's keys in the shared test Redis. */
  redisKeyPrefix: string;
  /** POST a JSON body (or a raw string) to `path`. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply>;
  get(path: string, headers?: Record<string, string>): Promise<Reply>;
  /** POST a multipart photo form. */
  upload(path: string, fields: Record<string, string>, file?: TestFile): Promise<Reply>;
};

export type Reply = { status: number; headers: Headers; body: Record<string, unknown> };
export type TestFile = { bytes: Uint8Array; name: string; type: string };

async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { text };
  }
  return { status: response.status, headers: response.headers, body };
}

/**
 * The real server (startServer) on 127.0.0.1, with Redis sessions from the global setup and a
 * fresh DATA_DIR. `env` overrides the test defaults (set a variable to '' to unset it).
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: Pick<StartOptions, 'turnDeadlineMs' | 'textRetry'> = {},
): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'server-test-'));
  const redisKeyPrefix = `t${process.pid}-${randomUUID().slice(0, 8)}-`;
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    REDIS_URL: inject('redisUrl'),
    // Each test server has its own keys in the shared test Redis.
    REDIS_KEY_PREFIX: redisKeyPrefix,
    ADMIN_TOKEN,
    NODE_ENV: 'test',
    RATE_LIMIT_PER_MINUTE: '1000',
    // Every test parent comes from 127.0.0.1.
    NEW_SESSIONS_PER_HOUR: '100000',
    ...env,
  });
  const logs: LogLine[] = [];
  const running = await startServer(config, {
    log: (event, data) => logs.push(data ? { event, data } : { event }),
    now: TEST_NOW,
    ...options,
  });
  const at = (path: string) => `${running.url}${path}`;
  return {
    ...running,
    logs,
    dataDir,
    redisKeyPrefix: env.REDIS_KEY_PREFIX ?? redisKeyPrefix,
    async close() {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
    post: async (path, body, headers = {}) =>
      reply(
        await fetch(at(path), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
      ),
    get: async (path, headers = {}) => reply(await fetch(at(path), { headers })),
    async upload(path, fields, file) {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      if (file) form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
      return reply(await fetch(at(path), { method: 'POST', body: form }));
    },
  };
}

export const bearer = (token = ADMIN_TOKEN) => ({ authorization: `Bearer ${token}` });

const CHILDREN = ['Ava', 'Ben', 'Cara', 'Dan', 'Eve', 'Finn', 'Gus', 'Hana', 'Ivy', 'Jude', 'Kai'];

/** The child's first name registerUntilPhoto uses with this shirt number. */
export const childFor = (shirt: number) => CHILDREN[shirt % CHILDREN.length] ?? 'Leo';

/** A new-player registration as a parent types it, with the routine each answer leads to. */
export { REGISTRATION };

/** Things from REGISTRATION that must never reach a log line. */
export const PERSONAL_DATA = [
  'Sarah',
  'sarah@example.com',
  "O'Brien",
  'o’brien',
  'Sandy Lane',
  'M32 8JL',
  '14-07-1985',
  '07700900123',
  '07700 900 123',
];

/**
 * Runs REGISTRATION on a new session up to the photo (routine 34) and returns the session id.
 * Each child of one team needs its own shirt number.
 */
export async function registerUntilPhoto(server: TestServer, shirt: number): Promise<string> {
  let sessionId: string | undefined;
  // Each child is another child: one registration per child and season.
  const child = `${childFor(shirt)} o’brien`;
  for (const [text] of REGISTRATION) {
    const message = text === 'number 7' ? `number ${shirt}` : text === 'leo o’brien' ? child : text;
    const { body } = await server.post('/chat', { user_message: message, session_id: sessionId });
    sessionId = String(body.session_id);
  }
  const { body } = await server.post('/chat', {
    user_message: 'where am i?',
    session_id: sessionId,
  });
  if (body.routine_number !== 34)
    throw new Error(`Stopped at routine ${String(body.routine_number)}`);
  return String(sessionId);
}

/** Polls /upload-status like the frontend (faster) until the upload is complete. */
export async function pollUpload(server: TestServer, sessionId: string): Promise<Reply> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const status = await server.get(`/upload-status/${sessionId}`);
    if (status.status !== 200 || status.body.complete === true) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('The upload did not complete');
}

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

/**
 * Small real photos (320×240, decodable, above the 200 px minimum) by their bytes, and the first
 * bytes of a HEIC (its magic only: accepted at the door, refused by the photo job as damaged).
 */
export const IMAGES = {
  png: await markedImage(320, 240).png().toBuffer(),
  webp: await markedImage(320, 240).webp().toBuffer(),
  jpeg: await markedImage(320, 240).jpeg().toBuffer(),
  heic: Buffer.from([
    0x00,
    0x00,
    0x00,
    0x18,
    ...ascii('ftypheic'),
    0,
    0,
    0,
    0,
    ...ascii('mif1heic'),
  ]),
};
