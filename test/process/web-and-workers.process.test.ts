import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startResponsesServer, type Step } from '../fakes/responses-server.ts';
import { readEmbedded } from '../support/embedded.ts';
import { chat, chatThrough, eventually } from '../support/http.ts';
import { killAll, startWeb, startWorker } from '../support/processes.ts';
import { freePort } from '../support/redis.ts';
import { REGISTRATION, registrationUpTo } from '../support/registration-script.ts';
import { IMAGES } from '../server/support.ts';

afterAll(killAll);

const acceptable: Step = { type: 'json', value: { acceptable: true, reason: null } };

async function upload(base: string, sessionId: string) {
  const form = new FormData();
  form.append('session_id', sessionId);
  form.append('file', new Blob([IMAGES.jpeg], { type: 'image/jpeg' }), 'photo.jpg');
  const response = await fetch(`${base}/upload-async`, { method: 'POST', body: form });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const uploadStatus = async (base: string, sessionId: string) =>
  (await (await fetch(`${base}/upload-status/${sessionId}`)).json()) as Record<string, unknown>;

describe('two web processes and a worker sharing one Redis', () => {
  it('complete a registration that alternates between the web processes, and store a photo once although its worker was killed mid-job', async () => {
    // The worker's photo check goes to a model that answers the first request never (the worker
    // is killed while it waits) and the second one at once.
    const model = await startResponsesServer();
    model.script({ type: 'hang' }, acceptable);
    const shared = {
      HOST: '127.0.0.1',
      REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: `multi-${process.pid}-`,
      DATA_DIR: await mkdtemp(join(tmpdir(), 'multi-')),
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      JOB_LOCK_MS: '2000',
    };
    const web = { ...shared, RUN_WORKERS: 'false' };
    const [one, two] = await Promise.all([
      startWeb({ ...web, PORT: String(await freePort()) }),
      startWeb({ ...web, PORT: String(await freePort()) }),
    ]);
    const worker = { ...shared, OPENAI_API_KEY: 'sk-test-worker', OPENAI_BASE_URL: model.baseUrl };
    const firstWorker = startWorker(worker);

    let sessionId: string | undefined;
    for (const [index, [text, routine]] of REGISTRATION.entries()) {
      const base = index % 2 === 0 ? one.base : two.base;
      const turn = await chat(base, {
        user_message: text,
        ...(sessionId ? { session_id: sessionId } : {}),
      });
      expect({ text, routine: turn.body.routine_number }).toEqual({ text, routine });
      sessionId = turn.body.session_id;
    }
    const session = String(sessionId);

    const accepted = await upload(one.base, session);
    expect(accepted).toMatchObject({ status: 200, body: { processing: true, routine_number: 34 } });
    await eventually(async () => expect(model.requests.length).toBe(1));
    await firstWorker.kill();
    expect(await uploadStatus(two.base, session)).toMatchObject({ complete: false });

    startWorker(worker);
    const done = await eventually(async () => {
      const status = await uploadStatus(two.base, session);
      expect(status).toMatchObject({ complete: true, error: null, routine_number: 35 });
      return status;
    }, 30_000);
    expect(done.response).toMatch(/registration is complete/);

    const { registrations } = readEmbedded(shared.DATA_DIR);
    expect(registrations).toHaveLength(1);
    expect(registrations[0]?.id_image_link).toMatch(/^photos\/players\/[0-9a-f]{32}\.jpg$/);
    const stored = await readdir(join(shared.DATA_DIR, 'photos', 'stored', 'players'));
    expect(stored).toHaveLength(1);
    expect(await readdir(join(shared.DATA_DIR, 'photos', 'staged'))).toEqual([]);
    expect(model.requests).toHaveLength(2);
    await model.close();
  }, 90_000);

  it('register the same child once when two chats on two web processes try', async () => {
    const shared = {
      HOST: '127.0.0.1',
      REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: `twice-${process.pid}-`,
      DATA_DIR: await mkdtemp(join(tmpdir(), 'twice-')),
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
    };
    const [one, two] = await Promise.all([
      startWeb({ ...shared, PORT: String(await freePort()) }),
      startWeb({ ...shared, PORT: String(await freePort()) }),
    ]);
    const upTo30 = registrationUpTo(30);
    const first = await chatThrough(one.base, upTo30);

    // The same child (another spelling) from another device, on the other web process.
    const again = REGISTRATION.map(([text]) => (text === 'leo o’brien' ? "Leo O'Brien" : text));
    let turn = await chat(two.base, { user_message: String(again[0]) });
    const second = turn.body.session_id;
    for (const text of again.slice(1, 4)) {
      turn = await chat(two.base, { user_message: text, session_id: second });
    }
    expect(turn.body.response).toMatch(/already has a registration under way/);
    turn = await chat(two.base, { user_message: 'yes', session_id: second });
    for (const text of again.slice(4, upTo30.length)) {
      turn = await chat(two.base, { user_message: text, session_id: second });
    }
    expect(turn.body.routine_number).toBe(30);

    const { registrations, billingRequests, texts } = readEmbedded(shared.DATA_DIR);
    expect([registrations.length, billingRequests, texts]).toEqual([1, 1, 1]);
    // The first chat, carried on elsewhere, is told so at its next write and writes nothing more.
    await chat(one.base, { user_message: 'yes', session_id: first });
    await chat(one.base, { user_message: '9-10', session_id: first });
    const told = await chat(one.base, { user_message: 'number 7', session_id: first });
    expect(told.body.response).toMatch(/carried on in another chat/);
    expect(readEmbedded(shared.DATA_DIR).registrations).toHaveLength(1);
  }, 60_000);
});
