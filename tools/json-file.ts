import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A JSON document kept in memory and written through to one file, atomically, one write at a time. */
export type JsonFile<T> = {
  read(): T;
  update(change: (data: T) => void): Promise<void>;
};

/** Loads `path` (or starts from `initial`); with no path the data lives in memory only. */
export async function openJsonFile<T>(path: string | null, initial: () => T): Promise<JsonFile<T>> {
  let data = initial();
  if (path) {
    try {
      data = JSON.parse(await readFile(path, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const persist = async () => {
    if (!path) return;
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(data, null, 2));
    await rename(temporary, path);
  };
  // One write at a time; changes made meanwhile are all carried by the next write, not one each.
  let dirty = false;
  let flushing: Promise<void> | null = null;
  const flush = async () => {
    try {
      while (dirty) {
        dirty = false;
        await persist();
      }
    } finally {
      flushing = null;
    }
  };
  return {
    read: () => data,
    update(change) {
      change(data);
      dirty = true;
      flushing ??= flush();
      return flushing;
    },
  };
}
