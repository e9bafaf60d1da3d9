import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { createPhotoUploads, type PreparePhoto } from '../../server/photo-uploads.ts';
import { PermanentJobError } from '../../tools/jobs/port.ts';
import { createSqliteJobs } from '../../tools/jobs/sqlite.ts';
import { createSqliteKeyValueStore } from '../../tools/kv/sqlite.ts';
import { PhotoRejectedError } from '../../tools/photos/errors.ts';
import { closeSharedHeicDecoder, preparePhoto } from '../../tools/photos/prepare.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';
import { createUploadStatusStore } from '../../tools/upload-status/upload-status.ts';
import { markedImage } from '../fixtures/photos/make.ts';
import { aParent } from '../machines/journeys.ts';
import { createHarness } from '../support/harness.ts';

afterAll(() => closeSharedHeicDecoder());

/** A session at routine 34 and its photo uploads, with `prepare` standing in for preparePhoto. */
async function atPhoto(prepare: PreparePhoto) {
  const harness = await createHarness();
  await aParent(harness).reach(34);
  const uploads = createPhotoUploads({
    chat: harness.chat,
    prepare,
    photos: harness.ports.photos,
    statuses: createUploadStatusStore(createSqliteKeyValueStore(harness.db, 'upload-status')),
    // Not started: each test runs the job itself, as a worker would.
    jobs: createSqliteJobs(harness.db, { log: () => {} }),
    log: () => {},
    now: () => new Date('2025-08-01T10:00:00Z'),
  });
  const bytes = new Uint8Array(await markedImage(320, 240).jpeg().toBuffer());
  const uploadId = await harness.ports.photos.stage(bytes, 'image/jpeg');
  const job = (attempt: number) => ({
    id: `photo.${uploadId}`,
    queue: 'photos',
    data: { sessionId: harness.sessionId, uploadId, agent: 'new_registration', routineNumber: 34 },
    attempt,
  });
  return { harness, uploads, uploadId, job };
}

const unavailable: PreparePhoto = () =>
  Promise.reject(new ToolUnavailableError('heicDecoder', { cause: 'queue full' }));

describe('the photo job', () => {
  it('hands a service that is down back to the queue, keeping the upload for the next try', async () => {
    const { harness, uploads, uploadId, job } = await atPhoto(unavailable);
    await expect(uploads.process(job(1))).rejects.toBeInstanceOf(ToolUnavailableError);
    expect(await harness.ports.photos.readStaged(uploadId)).not.toBeNull();
    expect(await uploads.status(harness.sessionId)).toBeNull();
  });

  it('tells the parent once the last try has failed, and drops the upload', async () => {
    const { harness, uploads, uploadId, job } = await atPhoto(unavailable);
    await expect(uploads.process(job(5))).rejects.toBeInstanceOf(PermanentJobError);
    expect(await uploads.status(harness.sessionId)).toMatchObject({
      state: 'failed',
      error: 'upload_failed',
      routineNumber: 34,
    });
    expect(await harness.ports.photos.readStaged(uploadId)).toBeNull();
  });

  it('answers a photo that cannot be used with its reason; the chat waits at 34 for another', async () => {
    const { harness, uploads, uploadId, job } = await atPhoto(() =>
      Promise.reject(new PhotoRejectedError('odd_shape')),
    );
    await uploads.process(job(1));
    expect(await uploads.status(harness.sessionId)).toMatchObject({
      state: 'failed',
      error: 'photo_odd_shape',
      reply: new PhotoRejectedError('odd_shape').message,
      routineNumber: 34,
    });
    expect(await harness.ports.photos.readStaged(uploadId)).toBeNull();
    expect((await harness.chat.peek(harness.sessionId))?.routineNumber).toBe(34);
  });

  it('stores the prepared JPEG, not the bytes sent, and only then moves to 35', async () => {
    const { harness, uploads, job } = await atPhoto((bytes, signal) =>
      preparePhoto(bytes, { maxSide: 100, minSide: 50, ...(signal ? { signal } : {}) }),
    );
    await uploads.process(job(1));
    expect(await uploads.status(harness.sessionId)).toMatchObject({
      state: 'done',
      routineNumber: 35,
    });
    const [record] = await harness.ports.registrations.list();
    const link = record?.fields.id_image_link ?? '';
    const stored = await harness.ports.photos.read(link.replace(/^photos\//, ''));
    const meta = stored ? await sharp(stored).metadata() : null;
    expect(meta).toMatchObject({ format: 'jpeg', width: 100, height: 75 });
  });
});
