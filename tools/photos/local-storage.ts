import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkPhotoKey, type PhotoStorage } from './port.ts';

export type LocalPhotoStorageOptions = {
  /** The link saved on the record (default `photos/<key>`). */
  linkFor?: (key: string) => string;
};

/** The embedded photo storage: a folder (700) of files (600) under DATA_DIR. */
export function createLocalPhotoStorage(
  root: string,
  options: LocalPhotoStorageOptions = {},
): PhotoStorage {
  const linkFor = options.linkFor ?? ((key: string) => `photos/${key}`);
  const pathOf = (key: string) => join(root, checkPhotoKey(key));
  return {
    linkFor: (key) => linkFor(checkPhotoKey(key)),
    async put(key, jpeg, signal) {
      const path = pathOf(key);
      signal?.throwIfAborted();
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      // Written aside then renamed, so a reader never sees half a photo.
      const aside = `${path}.${randomUUID()}.part`;
      try {
        await writeFile(aside, jpeg, { mode: 0o600, ...(signal ? { signal } : {}) });
        await rename(aside, path);
      } finally {
        await rm(aside, { force: true });
      }
      return { link: linkFor(key) };
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(pathOf(key)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
