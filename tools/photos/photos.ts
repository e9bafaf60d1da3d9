import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLocalPhotoStorage } from './local-storage.ts';
import type { PhotoStorage } from './port.ts';

/**
 * Player photos as the flow sees them: an upload is staged (kept aside on this machine's disk)
 * until the flow takes it, then stored in the PhotoStorage (S3, or a local folder when embedded).
 */
export interface PhotoStore {
  /** Keeps an upload aside until the flow decides what to do with it; returns its id. */
  stage(bytes: Uint8Array, contentType: string): Promise<string>;
  /** Replaces a staged upload's bytes (the prepared JPEG in place of what the parent sent). */
  restage(uploadId: string, bytes: Uint8Array, contentType: string): Promise<void>;
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

export type PhotoStoreOptions = {
  /** The folder (owner-only) where uploads wait for the flow. */
  stagingDir: string;
  /** Where taken photos are kept. */
  storage: PhotoStorage;
};

const isUploadId = (uploadId: string) => /^[0-9a-f-]{36}$/.test(uploadId);

/** Staged uploads in a local folder, stored photos in `storage`. */
export function createPhotoStore({ stagingDir, storage }: PhotoStoreOptions): PhotoStore {
  const bytesOf = (uploadId: string) => join(stagingDir, uploadId);
  // The content type waits beside the staged bytes until the upload is stored.
  const typeOf = (uploadId: string) => join(stagingDir, `${uploadId}.type`);
  const write = async (uploadId: string, bytes: Uint8Array, contentType: string) => {
    await mkdir(stagingDir, { recursive: true, mode: 0o700 });
    // Written aside then renamed, so that a reader never sees half an upload.
    const aside = `${bytesOf(uploadId)}.${randomUUID()}.part`;
    await writeFile(typeOf(uploadId), contentType, { mode: 0o600 });
    await writeFile(aside, bytes, { mode: 0o600 });
    await rename(aside, bytesOf(uploadId));
  };
  const readStaged = async (uploadId: string) => {
    if (!isUploadId(uploadId)) return null;
    try {
      const [bytes, contentType] = await Promise.all([
        readFile(bytesOf(uploadId)),
        readFile(typeOf(uploadId), 'utf8'),
      ]);
      return { bytes: new Uint8Array(bytes), contentType };
    } catch {
      return null;
    }
  };
  const discard = async (uploadId: string) => {
    if (!isUploadId(uploadId)) return;
    await rm(bytesOf(uploadId), { force: true });
    await rm(typeOf(uploadId), { force: true });
  };
  return {
    async stage(bytes, contentType) {
      const id = randomUUID();
      await write(id, bytes, contentType);
      return id;
    },
    async restage(uploadId, bytes, contentType) {
      if (!isUploadId(uploadId)) throw new UploadNotFoundError(uploadId);
      await write(uploadId, bytes, contentType);
    },
    async store(uploadId, key, signal) {
      const staged = await readStaged(uploadId);
      if (!staged) {
        // Stored by an earlier attempt of the same effect, which then lost its staged copy.
        if (isUploadId(uploadId) && (await storage.get(key, signal))) return storage.linkFor(key);
        throw new UploadNotFoundError(uploadId);
      }
      const { link } = await storage.put(key, staged.bytes, signal);
      await discard(uploadId);
      return link;
    },
    discard,
    async remove(key) {
      const there = (await storage.get(key)) !== null;
      await storage.delete(key);
      return there;
    },
    read: (key) => storage.get(key),
    readStaged,
  };
}

/** The embedded photo store: staged uploads in `root/staged`, photos in `root/stored`. */
export function createLocalPhotoStore(root: string): PhotoStore {
  return createPhotoStore({
    stagingDir: join(root, 'staged'),
    storage: createLocalPhotoStorage(join(root, 'stored')),
  });
}
