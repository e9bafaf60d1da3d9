import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRunner } from '../../machines/runner.ts';
import { createChatService } from '../../machines/chat-service.ts';
import { createOfflineInterpreter } from '../../machines/interpreter.ts';
import { createLlmMetrics } from '../../machines/llm-interpreter.ts';
import { createPhotoCheck } from '../../machines/photo-check.ts';
import { createPhotoUploads } from '../../server/photo-uploads.ts';
import { createSqliteJobs } from '../../tools/jobs/sqlite.ts';
import { createSqliteKeyValueStore } from '../../tools/kv/sqlite.ts';
import { createOpenAiLlm } from '../../tools/openai/openai.ts';
import { closeSharedHeicDecoder, preparePhoto } from '../../tools/photos/prepare.ts';
import { createUploadStatusStore } from '../../tools/upload-status/upload-status.ts';
import { iphoneHeic } from '../fixtures/photos/make.ts';
import {
  formatName,
  startResponsesServer,
  type ResponsesServer,
  type Step,
} from '../fakes/responses-server.ts';
import { createHarness } from '../support/harness.ts';
import { REGISTRATION_MESSAGES, type LogEntry } from './scripted-registration.ts';

const JPEG = new Uint8Array([255, 216, 255, 224, 0, 16, 74, 70, 73, 70]);
const verdict = (acceptable: boolean, reason: string | null = null): Step => ({
  type: 'json',
  value: { acceptable, reason },
});

afterAll(() => closeSharedHeicDecoder());

describe('the photo check at routine 34', () => {
  let server: ResponsesServer;
  beforeEach(async () => {
    server = await startResponsesServer();
  });
  afterEach(async () => {
    await server.close();
  });

  /** A session resting at routine 34, and a chat service on the same stores with the check. */
  async function atPhoto() {
    const harness = await createHarness();
    for (const text of REGISTRATION_MESSAGES) await harness.say(text);
    const logs: LogEntry[] = [];
    const log = (event: string, data?: Record<string, unknown>) =>
      logs.push(data ? { event, data } : { event });
    const llm = createOpenAiLlm(
      {
        apiKey: 'sk-test',
        model: 'gpt-test',
        baseUrl: server.baseUrl,
        timeoutMs: 2_000,
        maxRetries: 1,
      },
      log,
    );
    const metrics = createLlmMetrics();
    const chat = createChatService({
      club: harness.club,
      runner: createRunner({
        store: harness.snapshots,
        log,
        now: () => new Date('2025-08-01T10:00:00Z'),
      }),
      interpreter: createOfflineInterpreter(harness.club),
      ports: harness.ports,
      publicBaseUrl: 'http://localhost:8000',
      log,
      now: () => new Date('2025-08-01T10:00:00Z'),
      photoCheck: createPhotoCheck({ llm, photos: harness.ports.photos, log, metrics }),
    });
    const upload = async (contentType = 'image/jpeg') => {
      const uploadId = await harness.ports.photos.stage(JPEG, contentType);
      return chat.uploadedPhoto({ sessionId: harness.sessionId, uploadId });
    };
    return { harness, logs, metrics, upload, chat, log };
  }

  const nope: Step = { type: 'text', text: 'nope' };
  const down: Step = { type: 'status', status: 500, retryAfterMs: 5 };
  it.each([
    { name: 'an acceptable photo', steps: [verdict(true)], type: 'image/jpeg', logged: null },
    {
      name: 'a photo when the model is down',
      steps: [down, down],
      type: 'image/jpeg',
      logged: 'photo.check.failed',
    },
    {
      name: 'a photo when the verdict is invalid twice',
      steps: [nope, nope],
      type: 'image/jpeg',
      logged: 'photo.check.failed',
    },
    {
      name: 'a HEIC photo the model cannot read',
      steps: [],
      type: 'image/heic',
      logged: 'photo.check.skipped',
    },
  ])('accepts $name', async ({ steps, type, logged }) => {
    server.script(...steps);
    const { logs, upload } = await atPhoto();
    const result = await upload(type);
    expect(result.state).toBe('newRegistration.registered');
    expect(result.reply).not.toBe('');
    expect(server.requests).toHaveLength(steps.length);
    if (logged) expect(logs.map((entry) => entry.event)).toContain(logged);
  });

  it('sends the image to the model as a low-detail data URL', async () => {
    server.script(verdict(true));
    const { upload } = await atPhoto();
    await upload();
    const [request] = server.requests;
    expect(request && formatName(request)).toBe('photo_check');
    const sent = JSON.stringify(request?.input);
    expect(sent).toContain(`data:image/jpeg;base64,${Buffer.from(JPEG).toString('base64')}`);
    expect(sent).toContain('"detail":"low"');
  });

  it('checks the JPEG the photo job made from an iPhone HEIC, not the HEIC', async () => {
    server.script(verdict(true));
    const { harness, chat, log } = await atPhoto();
    const uploads = createPhotoUploads({
      chat,
      prepare: (bytes, signal) => preparePhoto(bytes, signal ? { signal } : {}),
      photos: harness.ports.photos,
      statuses: createUploadStatusStore(createSqliteKeyValueStore(harness.db, 'upload-status')),
      // Not started: this test runs the job itself.
      jobs: createSqliteJobs(harness.db, { log }),
      log,
      now: () => new Date('2025-08-01T10:00:00Z'),
    });
    const uploadId = await harness.ports.photos.stage(await iphoneHeic(640, 480), 'image/heic');
    const data = { sessionId: harness.sessionId, uploadId, agent: null, routineNumber: 34 };
    await uploads.process({ id: 'photo-1', queue: 'photos', data, attempt: 1 });

    const sent = JSON.stringify(server.requests[0]?.input);
    expect(sent).toContain('data:image/jpeg;base64,/9j/');
    expect(sent).not.toContain('image/heic');
    expect(await uploads.status(harness.sessionId)).toMatchObject({
      state: 'done',
      routineNumber: 35,
    });
  });

  it('refuses a photo with the model’s reason and stays at routine 34 until a good one arrives', async () => {
    server.script(verdict(false, "I can't see a face in this photo."), verdict(true));
    const { harness, metrics, upload } = await atPhoto();
    const refused = await upload();
    expect(refused.state).toBe('newRegistration.photo');
    expect(refused.routineNumber).toBe(34);
    expect(refused.reply).toContain("I can't see a face in this photo.");
    expect(refused.reply).toContain('passport-style photo of Leo');
    const [record] = await harness.ports.registrations.list();
    expect(record?.fields.id_image_link).toBeUndefined();

    const accepted = await upload();
    expect(accepted.state).toBe('newRegistration.registered');
    expect(metrics).toMatchObject({ photoChecks: 2, photoRefusals: 1 });
  });
});
