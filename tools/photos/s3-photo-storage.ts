import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { z } from 'zod';
import { ToolUnavailableError } from '../tool.ts';
import { checkPhotoKey, type PhotoStorage } from './port.ts';

export type S3PhotoStorageConfig = {
  bucket: string;
  region: string;
  /** An S3-compatible endpoint (s3rver, MinIO, R2); path-style addressing is used with it. */
  endpoint?: string;
  /** Without them, the SDK's usual chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** The link saved on the record (default `s3://<bucket>/<key>`). */
  linkFor?: (key: string) => string;
  timeoutMs?: number;
};

const Bytes = z.instanceof(Uint8Array);

/** Photo storage in a private S3 bucket: no ACL is ever set, so objects stay private. */
export function createS3PhotoStorage(config: S3PhotoStorageConfig): PhotoStorage {
  const client = new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint, forcePathStyle: true } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
    // Only the checksums S3 itself requires: S3-compatible servers reject the newer defaults.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const linkFor = config.linkFor ?? ((key: string) => `s3://${config.bucket}/${key}`);
  const timeoutMs = config.timeoutMs ?? 15_000;
  const send = async <T>(call: (abortSignal: AbortSignal) => Promise<T>, signal?: AbortSignal) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      return await call(signal ? AbortSignal.any([signal, timeout]) : timeout);
    } catch (cause) {
      if (signal?.aborted) throw signal.reason;
      if (cause instanceof NoSuchKey) return null;
      throw new ToolUnavailableError('photoStorage', { cause });
    }
  };
  return {
    linkFor: (key) => linkFor(checkPhotoKey(key)),
    async put(key, jpeg, signal) {
      const command = new PutObjectCommand({
        Bucket: config.bucket,
        Key: checkPhotoKey(key),
        Body: jpeg,
        ContentType: 'image/jpeg',
        CacheControl: 'private, no-store',
      });
      await send((abortSignal) => client.send(command, { abortSignal }), signal);
      return { link: linkFor(key) };
    },
    async get(key, signal) {
      const command = new GetObjectCommand({ Bucket: config.bucket, Key: checkPhotoKey(key) });
      return send(async (abortSignal) => {
        const reply = await client.send(command, { abortSignal });
        return Bytes.parse(await reply.Body?.transformToByteArray());
      }, signal);
    },
    async delete(key, signal) {
      const command = new DeleteObjectCommand({ Bucket: config.bucket, Key: checkPhotoKey(key) });
      await send((abortSignal) => client.send(command, { abortSignal }), signal);
    },
  };
}
