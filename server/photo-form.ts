import { Writable } from 'node:stream';
import type { Context, Middleware } from 'koa';
import { koaBody } from 'koa-body';
import { z } from 'zod';
import { SessionId } from '../machines/chat-service.ts';
import { requireStrongSessionId } from './session-id.ts';
import { HttpError, parseOr400 } from './http-errors.ts';
import { requireBodyType } from './http.ts';
import { detectPhotoType, type PhotoType } from '../tools/photos/detect.ts';
import { PhotoRejectedError } from '../tools/photos/errors.ts';

/** The largest photo accepted (SPEC §5). */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

const WRONG_TYPE = 'Please upload a JPEG, PNG, WebP or iPhone (HEIC) photo.';

/** The frontend's form fields; the hints are accepted and ignored like on /chat. */
export const PhotoFields = z.object({
  session_id: SessionId,
  last_agent: z.string().max(100).optional(),
  routine_number: z.string().max(100).optional(),
});

/**
 * A photo upload as the routes hand it on: bytes whose magic says a photo type we take, for one
 * session. Nothing is decoded here: the photo job decodes and converts it off the request path.
 */
export type PhotoUpload = { sessionId: SessionId; bytes: Uint8Array; type: PhotoType };

/** Bytes of each uploaded file, kept in memory: a photo never touches the disk unchecked. */
const received = new WeakMap<object, Buffer[]>();

function memorySink(file: object | undefined): Writable {
  const chunks: Buffer[] = [];
  if (file) received.set(file, chunks);
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
}

/** Parses a multipart photo form: one file of at most 10 MB, a few small fields. */
export function photoForm(): Middleware {
  const parse = koaBody({
    multipart: true,
    json: false,
    urlencoded: false,
    text: false,
    formidable: {
      maxFiles: 1,
      maxFileSize: MAX_PHOTO_BYTES,
      maxTotalFileSize: MAX_PHOTO_BYTES,
      maxFields: 10,
      maxFieldsSize: 16 * 1024,
      // An empty file reaches the type check, which answers it with a sentence.
      allowEmptyFiles: true,
      minFileSize: 0,
      fileWriteStreamHandler: memorySink,
    },
  });
  return async (ctx, next) => {
    requireBodyType(ctx, 'multipart', WRONG_TYPE);
    await parse(ctx, next);
  };
}

/** Reads the parsed form: the session, and the file if its first bytes say a photo we take. */
export async function readPhotoUpload(ctx: Context): Promise<PhotoUpload> {
  const { session_id: sessionId } = parseOr400(PhotoFields, ctx.request.body);
  requireStrongSessionId(sessionId);
  const file = ctx.request.files?.file;
  const chunks = file && !Array.isArray(file) ? received.get(file) : undefined;
  if (!chunks) {
    throw new HttpError(400, 'missing_file', 'The form has no file field', {
      response: 'Please choose a photo to upload.',
    });
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.length > MAX_PHOTO_BYTES) {
    throw new HttpError(413, 'photo_too_large', 'The file is larger than 10 MB', {
      response: new PhotoRejectedError('too_large').message,
    });
  }
  try {
    return { sessionId, bytes: new Uint8Array(bytes), type: await detectPhotoType(bytes) };
  } catch (error) {
    if (!(error instanceof PhotoRejectedError)) throw error;
    throw new HttpError(415, error.code, WRONG_TYPE, { response: error.message });
  }
}
