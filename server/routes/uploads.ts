import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import { SessionId } from '../../machines/chat-service.ts';
import type { UploadStatus } from '../../tools/upload-status/upload-status.ts';
import { HttpError, parseOr400 } from '../http-errors.ts';
import { withinDeadline } from '../http.ts';
import { photoForm, readPhotoUpload } from '../photo-form.ts';
import { PROCESSING_REPLY, type PhotoUploads } from '../photo-uploads.ts';
import { requireStrongSessionId } from '../session-id.ts';
import { turnFields } from './chat.ts';

export const StatusParams = z.object({ session_id: SessionId });

/** An upload status in the club frontend's names. */
const statusFields = (status: UploadStatus) => ({
  complete: status.state !== 'processing',
  error: status.error,
  response: status.reply,
  last_agent: status.agent,
  routine_number: status.routineNumber,
  updated_at: status.updatedAt,
});

const NO_UPLOAD = "I haven't received a photo in this chat yet. Please try uploading it again.";

export type UploadsRouterDeps = { uploads: PhotoUploads; limit: Middleware; deadlineMs: number };

/** Photo uploads, as the club frontend sends them: async with polling, or synchronous. */
export function uploadsRouter({ uploads, limit, deadlineMs }: UploadsRouterDeps) {
  const router = new Router();
  const form = photoForm();

  router.post('/upload-async', limit, form, async (ctx) => {
    const upload = await readPhotoUpload(ctx);
    const { agent, routineNumber } = await withinDeadline(ctx, deadlineMs, () =>
      uploads.accept(upload),
    );
    ctx.body = {
      response: PROCESSING_REPLY,
      processing: true,
      session_id: upload.sessionId,
      last_agent: agent,
      routine_number: routineNumber,
    };
  });

  router.get('/upload-status/:session_id', async (ctx) => {
    const { session_id: sessionId } = parseOr400(StatusParams, ctx.params);
    requireStrongSessionId(sessionId);
    // A store that does not answer (a frozen Redis) is a 503 at the deadline, not a hang.
    const status = await withinDeadline(ctx, deadlineMs, () => uploads.status(sessionId));
    if (!status) {
      throw new HttpError(404, 'upload_not_found', 'No upload for this session', {
        response: NO_UPLOAD,
      });
    }
    ctx.body = statusFields(status);
  });

  router.post('/upload', limit, form, async (ctx) => {
    const upload = await readPhotoUpload(ctx);
    const turn = await withinDeadline(ctx, deadlineMs, (cancel, notAfter) =>
      uploads.processNow(upload, cancel, notAfter),
    );
    ctx.body = turnFields(turn);
  });

  return router;
}
