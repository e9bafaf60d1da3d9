import { describe, expect, it } from 'vitest';
import { InvalidPhotoKeyError, photoKeyFor, type PhotoStorage } from '../../tools/photos/port.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
let counter = 0;
/** A key no other test uses, so the suites may share one bucket or folder. */
const freshKey = (name = 'photo') => `contract/${Date.now()}-${++counter}/${name}.jpg`;

/** The behaviour every PhotoStorage adapter shares; `make` gives a ready adapter. */
export function photoStorageContract(make: () => PhotoStorage) {
  describe('PhotoStorage contract', () => {
    it('gives back the bytes it stored, with a link naming the key', async () => {
      const storage = make();
      const key = freshKey();
      const { link } = await storage.put(key, bytes('jpeg one'));
      expect(link).toContain(key);
      expect(await storage.get(key)).toEqual(bytes('jpeg one'));
    });

    it('answers null for a key never stored', async () => {
      expect(await make().get(freshKey('never'))).toBeNull();
    });

    it("replaces a child's own photo and leaves another child's alone", async () => {
      const storage = make();
      const [first, second] = [
        photoKeyFor('2026|Ann Lee|2015-03-01'),
        photoKeyFor('2026|Ann Lee|2016-03-01'),
      ];
      expect(first).not.toBe(second);
      await storage.put(first, bytes('first child'));
      await storage.put(second, bytes('second child'));
      await storage.put(first, bytes('first child, again'));
      expect(await storage.get(first)).toEqual(bytes('first child, again'));
      expect(await storage.get(second)).toEqual(bytes('second child'));
    });

    it('deletes a photo, and deleting a missing one is not an error', async () => {
      const storage = make();
      const key = freshKey();
      await storage.put(key, bytes('gone soon'));
      await storage.delete(key);
      expect(await storage.get(key)).toBeNull();
      await expect(storage.delete(key)).resolves.toBeUndefined();
    });

    const badKeys = [
      ...['', '../escape.jpg', 'a/../../b.jpg', '/absolute.jpg', 'a//b.jpg', 'a/./b.jpg'],
      ...['sp ace.jpg', 'é.jpg', 'a/', 'x'.repeat(600)],
    ].map((key) => ({ key, shown: JSON.stringify(key.length > 40 ? `${key.slice(0, 8)}…` : key) }));
    it.each(badKeys)('refuses the key $shown for every operation', async ({ key }) => {
      const storage = make();
      await expect(storage.put(key, bytes('x'))).rejects.toBeInstanceOf(InvalidPhotoKeyError);
      await expect(storage.get(key)).rejects.toBeInstanceOf(InvalidPhotoKeyError);
      await expect(storage.delete(key)).rejects.toBeInstanceOf(InvalidPhotoKeyError);
    });

    it('stores nothing when the caller has already given up', async () => {
      const storage = make();
      const key = freshKey();
      await expect(storage.put(key, bytes('late'), AbortSignal.abort())).rejects.toThrow();
      expect(await storage.get(key)).toBeNull();
    });
  });
}
