import type { ChatService, SessionId, TurnResult } from '../machines/chat-service.ts';
import { SnapshotIncompatibleError } from '../machines/runner.ts';
import type { Cancellation } from '../tools/cancellation.ts';
import { PhotoRejectedError } from '../tools/photos/errors.ts';
import type { PhotoStore } from '../tools/photos/photos.ts';
import type { PreparedPhoto } from '../tools/photos/prepare.ts';
import { InstanceBusyError } from '../tools/snapshots/port.ts';
import type { UploadStatus, UploadStatusStore } from '../tools/upload-status/upload-status.ts';
import type { Job, Jobs } from '../tools/jobs/port.ts';
import { PermanentJobError } from '../tools/jobs/port.ts';
import { z } from 'zod';
import { HttpError } from './http-errors.ts';
import type { Log } from './log.ts';
import type { PhotoUpload } from './photo-form.ts';

/**
 * What the parent sees while the photo is being processed. The club frontend shows its
 * elapsed-time counter only while the message contains the word "Processing".
 */
export const PROCESSING_REPLY =
  "Thanks! I've got your photo. Processing it now: this can take a few seconds.";
const FAILED = "Sorry, I couldn't save that photo. Please try uploading it again.";
/**
 * What /upload-status shows once the photo's turn is done. Its only credential is the session id,
 * so it never shows the turn's own reply (which may greet the family by name): the parent's next
 * message gets that.
 */
export const PHOTO_TAKEN = 'Thanks, I have your photo. Send me any message to carry on.';
export const PHOTO_COMPLETED =
  "Thanks for the photo. That's everything: the registration is complete once the payment link is used. You'll get a confirmation text when it's done. If you have another child to register, just send me their code.";
export const PHOTO_NOT_TAKEN =
  "I couldn't use that photo. Send me any message to hear why, or upload another one.";
const UNKNOWN_SESSION =
  "I can't find your registration chat (it may have expired). Please send your registration code in the chat first, then upload the photo.";

const PHOTO_NOT_YET =
  "Thanks, but I can't take a photo just now: I ask for it near the end of the registration, and I'll tell you when. Please carry on from my last message.";

/** Where the session stands, for the frontend's fields; null agent/routine if it must restart. */
type Standing = Pick<TurnResult, 'routineNumber'> & { agent: TurnResult['agent'] | null };

/** Photo uploads: checks the session, hands the photo to the chat flow, keeps a pollable status. */
export interface PhotoUploads {
  /** Accepts the photo and processes it in the background; the status says when it is done. */
  accept(upload: PhotoUpload): Promise<Standing>;
  /** Processes the photo before answering (the synchronous /upload). */
  processNow(upload: PhotoUpload, cancel?: Cancellation, notAfter?: number): Promise<TurnResult>;
  status(sessionId: SessionId): Promise<UploadStatus | null>;
  /**
   * Runs one photo job (on a worker): the photo's turn, then its status. Run again after a crash,
   * it applies the photo once (the session remembers the upload it took).
   */
  process(job: Job): Promise<void>;
}

/** Decodes, checks and converts a photo (preparePhoto): PhotoRejectedError for one we cannot use. */
export type PreparePhoto = (bytes: Uint8Array, signal?: AbortSignal) => Promise<PreparedPhoto>;

export type PhotoUploadsDeps = {
  chat: ChatService;
  prepare: PreparePhoto;
  photos: PhotoStore;
  statuses: UploadStatusStore;
  jobs: Jobs;
  log: Log;
  now: () => Date;
};

/** The queue photo jobs go on, and how often one is tried before the parent is asked again. */
export const PHOTO_QUEUE = 'photos';
const PHOTO_ATTEMPTS = 5;
/** The photo routine's number: only a turn that takes the parent past it took the photo. */
const PHOTO_ROUTINE = 34;
const photoTaken = (turn: TurnResult) =>
  (turn.routineNumber ?? 0) > PHOTO_ROUTINE || turn.state.includes('registered');

/** What a photo job carries: which session, which staged upload, where the parent stood. */
const PhotoJobData = z.object({
  sessionId: z.string(),
  uploadId: z.string(),
  agent: z.string().nullable(),
  routineNumber: z.number().nullable(),
});

/** Tries a turn again while another message of the same session holds the lock. */
async function patiently<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof InstanceBusyError) || attempt >= attempts) throw error;
    }
  }
}

export function createPhotoUploads(deps: PhotoUploadsDeps): PhotoUploads {
  const { chat, prepare, photos, statuses, jobs, log, now } = deps;

  async function standing(sessionId: SessionId): Promise<Standing> {
    try {
      const current = await chat.peek(sessionId);
      if (current) return current;
    } catch (error) {
      // An old snapshot: the turn itself restarts the session politely.
      if (error instanceof SnapshotIncompatibleError) return { agent: null, routineNumber: null };
      throw error;
    }
    throw new HttpError(404, 'session_not_found', 'No chat with this session id', {
      response: UNKNOWN_SESSION,
    });
  }

  async function handOver(
    sessionId: SessionId,
    uploadId: string,
    cancel?: Cancellation,
    notAfter?: number,
  ) {
    const started = Date.now();
    const turn = await patiently(() =>
      chat.uploadedPhoto({
        sessionId,
        uploadId,
        ...(cancel ? { cancel } : {}),
        ...(notAfter === undefined ? {} : { notAfter }),
      }),
    );
    log('upload.completed', { routine: turn.routineNumber, ms: Date.now() - started });
    return turn;
  }

  /**
   * Decodes the staged upload and stages the prepared JPEG in its place, so that the photo check
   * and the savePhoto effect only ever see an upright JPEG without metadata. Run again (a retried
   * job), it prepares the JPEG again; an upload already taken has gone, and the turn says so.
   */
  async function prepareStaged(uploadId: string, signal?: AbortSignal) {
    const staged = await photos.readStaged(uploadId);
    if (!staged) return;
    const started = Date.now();
    const prepared = await prepare(staged.bytes, signal);
    await photos.restage(uploadId, prepared.jpeg, 'image/jpeg');
    log('photo.prepared', {
      from: prepared.sourceType,
      width: prepared.width,
      height: prepared.height,
      ms: Date.now() - started,
    });
  }

  /**
   * A photo before the photo step (a chat not yet at routine 34) is refused at once: the parent
   * hears so, and nothing is staged. A stale session (no agent) goes on to restart politely; a
   * photo after the step is left to the flow.
   */
  function refuseEarly({ agent, routineNumber }: Standing) {
    if (agent === null || (routineNumber ?? 0) >= PHOTO_ROUTINE) return;
    throw new HttpError(409, 'photo_not_expected', 'The chat is not at the photo step', {
      response: PHOTO_NOT_YET,
    });
  }

  const record = (sessionId: SessionId, status: Omit<UploadStatus, 'updatedAt'>) =>
    statuses.set(sessionId, { ...status, updatedAt: now().toISOString() });

  const done = (turn: TurnResult) =>
    record(turn.sessionId, {
      state: 'done',
      reply: turn.state.includes('registered')
        ? PHOTO_COMPLETED
        : photoTaken(turn)
          ? PHOTO_TAKEN
          : PHOTO_NOT_TAKEN,
      agent: turn.agent,
      routineNumber: turn.routineNumber,
      error: null,
    });

  return {
    async accept(upload) {
      const current = await standing(upload.sessionId);
      refuseEarly(current);
      const { agent, routineNumber } = current;
      const uploadId = await photos.stage(upload.bytes, upload.type);
      await record(upload.sessionId, {
        state: 'processing',
        reply: PROCESSING_REPLY,
        agent,
        routineNumber,
        error: null,
        uploadId,
      });
      const data = { sessionId: upload.sessionId, uploadId, agent, routineNumber };
      await jobs.add(PHOTO_QUEUE, `photo.${uploadId}`, data, { attempts: PHOTO_ATTEMPTS });
      return current;
    },
    async processNow(upload, cancel, notAfter) {
      refuseEarly(await standing(upload.sessionId));
      const uploadId = await photos.stage(upload.bytes, upload.type);
      try {
        await prepareStaged(uploadId, cancel?.signal);
      } catch (error) {
        await photos.discard(uploadId);
        if (!(error instanceof PhotoRejectedError)) throw error;
        log('photo.rejected', { reason: error.code });
        throw new HttpError(422, error.code, 'The photo cannot be used', {
          response: error.message,
        });
      }
      const turn = await handOver(upload.sessionId, uploadId, cancel, notAfter);
      await done(turn);
      return turn;
    },
    status: (sessionId) => statuses.get(sessionId),
    async process(job) {
      const parsed = PhotoJobData.safeParse(job.data);
      if (!parsed.success) throw new PermanentJobError('A photo job without its session');
      const { uploadId, agent, routineNumber } = parsed.data;
      const sessionId = parsed.data.sessionId as SessionId;
      // The session was erased (or expired) since: its photo goes too, and nothing is started.
      if ((await chat.peek(sessionId).catch(() => 'stale')) === null) {
        await photos.discard(uploadId);
        log('upload.session_gone', {});
        return;
      }
      try {
        // Decoding and conversion: sharp on libuv's threads, HEIC in the worker pool.
        await prepareStaged(uploadId);
        await done(await handOver(sessionId, uploadId));
      } catch (error) {
        if (error instanceof PhotoRejectedError) {
          // The parent's photo cannot be used: they hear why, and routine 34 waits for another.
          log('photo.rejected', { reason: error.code });
          await record(sessionId, {
            state: 'failed',
            reply: error.message,
            agent,
            routineNumber,
            error: `photo_${error.code}`,
          });
          await photos.discard(uploadId);
          return;
        }
        // Retried by the queue; the parent hears of it only once no try is left.
        if (job.attempt < PHOTO_ATTEMPTS && !(error instanceof PermanentJobError)) throw error;
        const code = error instanceof InstanceBusyError ? 'session_busy' : 'upload_failed';
        await record(sessionId, {
          state: 'failed',
          reply: FAILED,
          agent,
          routineNumber,
          error: code,
        });
        await photos.discard(uploadId);
        throw new PermanentJobError('The photo could not be processed', { cause: error });
      }
    },
  };
}
