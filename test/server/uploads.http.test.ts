import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  childFor,
  IMAGES,
  pollUpload,
  registerUntilPhoto,
  startTestServer,
  type TestServer,
} from './support.ts';

type Registration = { id: string; fields: Record<string, string> };

describe('photo uploads', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  async function registrationOf(shirt: number): Promise<Registration | undefined> {
    const { body } = await server.get('/admin/registrations', bearer());
    const all = body.registrations as Registration[];
    return all.find((registration) => registration.fields.player_first_name === childFor(shirt));
  }

  it.each([
    ['JPEG', IMAGES.jpeg, 'photo.jpg', 'image/jpeg', 2],
    ['PNG', IMAGES.png, 'photo.png', 'image/png', 3],
    // The client's claim is ignored: the bytes say WebP.
    ['WebP', IMAGES.webp, 'photo.jpg', 'application/octet-stream', 4],
  ])(
    'accepts a %s at routine 34 and completes the registration',
    async (_kind, bytes, name, type, shirt) => {
      const sessionId = await registerUntilPhoto(server, shirt);
      const accepted = await server.upload(
        '/upload-async',
        { session_id: sessionId },
        { bytes, name, type },
      );
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ processing: true, routine_number: 34 });

      const status = await pollUpload(server, sessionId);
      expect(status.body).toMatchObject({ complete: true, error: null, routine_number: 35 });

      const registration = await registrationOf(shirt);
      const link = registration?.fields.id_image_link ?? '';
      expect(link).toMatch(/^photos\/players\/[0-9a-f]{32}\.jpg$/);
      // The local photo store keeps `photos/<key>` under DATA_DIR/photos/stored/<key>: the
      // prepared JPEG, never the bytes as sent.
      const kept = await readFile(
        join(server.dataDir, 'photos', 'stored', link.slice('photos/'.length)),
      );
      expect(kept.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      expect(Buffer.compare(kept, bytes)).not.toBe(0);
    },
  );

  it('answers a synchronous /upload with the final turn', async () => {
    const sessionId = await registerUntilPhoto(server, 5);
    const file = { bytes: IMAGES.png, name: 'leo.png', type: 'image/png' };
    const { status, body } = await server.upload('/upload', { session_id: sessionId }, file);
    expect(status).toBe(200);
    expect(body).toMatchObject({ last_agent: 'new_registration', routine_number: 35 });
    expect(body.response).toEqual(expect.any(String));
    expect((await server.get(`/upload-status/${sessionId}`)).body).toMatchObject({
      complete: true,
      routine_number: 35,
    });
  });

  it('refuses a photo sent too early at once, keeping nothing, and says so', async () => {
    const first = await server.post('/chat', { user_message: '200-Lions-U10-2526' });
    const sessionId = String(first.body.session_id);
    const file = { bytes: IMAGES.jpeg, name: 'early.jpg', type: 'image/jpeg' };
    const refused = await server.upload('/upload-async', { session_id: sessionId }, file);
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'photo_not_expected' } } });
    expect(refused.body.response).toMatch(/can't take a photo just now/);
    // Nothing was staged or queued: there is no upload to poll.
    expect((await server.get(`/upload-status/${sessionId}`)).status).toBe(404);
    const next = await server.post('/chat', { user_message: 'why?', session_id: sessionId });
    expect(next.body.routine_number).toBe(1);
  });

  it('answers an upload on an unknown session kindly, without keeping it', async () => {
    const file = { bytes: IMAGES.jpeg, name: 'photo.jpg', type: 'image/jpeg' };
    const nobody = 'session-1732190000000-n0b0dyh3r';
    const reply = await server.upload('/upload-async', { session_id: nobody }, file);
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ error: { code: 'session_not_found' } });
    expect(reply.body.response).toMatch(/registration code/);
    expect((await server.get(`/upload-status/${nobody}`)).status).toBe(404);
  });

  it('has no upload status for a session that has not uploaded', async () => {
    const { body } = await server.post('/chat', { user_message: 'hello' });
    const reply = await server.get(`/upload-status/${String(body.session_id)}`);
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ error: { code: 'upload_not_found' } });
  });
});
