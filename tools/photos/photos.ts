import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where player photos are kept (S3 for the club, a local folder in the embedded mode). */
export interface PhotoStore {
  /** Keeps an upload aside until the flow decides what to do with it; returns its id. */
  stage(bytes: Uint8Array, contentType: string): Promise<string>;
  /** Stores a staged upload under a key unique to the registration; returns the link. */
  store(uploadId: string, key: string, signal?: AbortSignal): Promise<string>;
  read(key: string): Promise<Uint8Array | null>;
  /** Erases a stored photo; whether there was one. */
  remove(key: string): Promise<boolean>;
  /** Drops a staged upload the flow did not take. */
  discard(uploadId: string): Promise<void>;
  /** A staged upload's bytes and type, for a check before it is stored; null when it has gone. */
  readStaged(uploadId: string): Promise<{ bytes: Uint8Array; contentType: string } | null>;
}

/** Thrown when a staged upload has gone (already stored, or never made). */
export class UploadNotFoundError extends Error {
  constructor(uploadId: string) {
    super(`No staged upload ${uploadId}`);
    this.name = 'UploadNotFoundError';
  }
}

const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9/_.-]{0,200}$/;

/** The embedded photo store: a folder under DATA_DIR (a temporary folder without one). */
export function createLocalPhotoStore(root: string): PhotoStore {
  const staged = join(root, 'staged');
  // The content type waits beside the staged bytes until the upload is stored.
  const typeOf = (uploadId: string) => join(staged, `${uploadId}.type`);
  const isUploadId = (uploadId: string) => /^[0-9a-f-]{36}$/.test(uploadId);
  const stored = join(root, 'stored');
  const storedPath = (key: string) => {
    if (!SAFE_KEY.test(key) || key.includes('..')) throw new Error(`Unsafe photo key ${key}`);
    return join(stored, key);
  };
  return {
    async stage(bytes, contentType) {
      const id = randomUUID();
      // Readable by the owner only: children's photos.
      await mkdir(staged, { recursive: true, mode: 0o700 });
      await writeFile(typeOf(id), contentType, { mode: 0o600 });
      await writeFile(join(staged, id), bytes, { mode: 0o600 });
      return id;
    },
    async store(uploadId, key) {
      if (!isUploadId(uploadId)) throw new UploadNotFoundError(uploadId);
      const target = storedPath(key);
      await mkdir(join(target, '..'), { recursive: true, mode: 0o700 });
      try {
        await rename(join(staged, uploadId), target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        // Already moved by an earlier attempt of the same effect: the stored file is the answer.
        const already = await readFile(target).catch(() => null);
        if (!already) throw new UploadNotFoundError(uploadId);
      }
      await rm(join(staged, uploadId), { force: true });
      await rm(typeOf(uploadId), { force: true });
      return `photos/${key}`;
    },
    async discard(uploadId) {
      if (!isUploadId(uploadId)) return;
      await rm(join(staged, uploadId), { force: true });
      await rm(typeOf(uploadId), { force: true });
    },
    async remove(key) {
      const path = storedPath(key);
      const there = await readFile(path).then(
        () => true,
        () => false,
      );
      await rm(path, { force: true });
      return there;
    },
    async read(key) {
      return readFile(storedPath(key)).catch(() => null);
    },
    async readStaged(uploadId) {
      if (!isUploadId(uploadId)) return null;
      try {
        const [bytes, contentType] = await Promise.all([
          readFile(join(staged, uploadId)),
          readFile(typeOf(uploadId), 'utf8'),
        ]);
        return { bytes, contentType };
      } catch {
        return null;
      }
    },
  };
}
