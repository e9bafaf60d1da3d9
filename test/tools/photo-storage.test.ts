import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalPhotoStorage } from '../../tools/photos/local-storage.ts';
import { photoKeyFor } from '../../tools/photos/port.ts';
import { createS3PhotoStorage } from '../../tools/photos/s3-photo-storage.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';
import { photoStorageContract } from '../contracts/photo-storage.contract.ts';
import { startS3Server, type S3Server } from '../fakes/s3-server.ts';

describe('local folder photo storage', () => {
  let root = '';
  beforeAll(async () => {
    root = join(await mkdtemp(join(tmpdir(), 'photos-')), 'photos');
  });
  afterAll(() => rm(join(root, '..'), { recursive: true, force: true }));

  photoStorageContract(() => createLocalPhotoStorage(root));

  it('keeps files readable by the owner only (600) in folders of mode 700, and no leftovers', async () => {
    const storage = createLocalPhotoStorage(root, {
      linkFor: (key) => `https://club.example/p/${key}`,
    });
    const { link } = await storage.put('mode/check/a.jpg', new Uint8Array([1, 2, 3]));
    expect(link).toBe('https://club.example/p/mode/check/a.jpg');
    expect((await stat(join(root, 'mode/check/a.jpg'))).mode & 0o777).toBe(0o600);
    for (const folder of [root, join(root, 'mode'), join(root, 'mode/check')]) {
      expect((await stat(folder)).mode & 0o777).toBe(0o700);
    }
    expect(await readdir(join(root, 'mode/check'))).toEqual(['a.jpg']);
  });
});

describe('S3 photo storage against s3rver', () => {
  let s3: S3Server;
  beforeAll(async () => {
    s3 = await startS3Server(['club-photos']);
  });
  afterAll(() => s3.stop());
  const make = () =>
    createS3PhotoStorage({
      bucket: 'club-photos',
      region: 'eu-west-2',
      endpoint: s3.endpoint,
      credentials: s3.credentials,
    });

  photoStorageContract(make);

  it('links as s3://bucket/key, sends the JPEG type and never an ACL', async () => {
    const key = photoKeyFor('2026|child|2015-01-01');
    const { link } = await make().put(key, new Uint8Array([0xff, 0xd8, 0xff]));
    expect(link).toBe(`s3://club-photos/${key}`);
    const put = s3.requests.findLast((request) => request.method === 'PUT');
    expect(put?.url.split('?')[0]).toBe(`/club-photos/${key}`);
    expect(put?.headers['content-type']).toBe('image/jpeg');
    expect(put?.headers['x-amz-acl']).toBeUndefined();
  });

  it('uses the link the club configures', async () => {
    const storage = createS3PhotoStorage({
      bucket: 'club-photos',
      region: 'eu-west-2',
      endpoint: s3.endpoint,
      credentials: s3.credentials,
      linkFor: (key) => `https://photos.club.example/${key}`,
    });
    expect(await storage.put('players/x.jpg', new Uint8Array([1]))).toEqual({
      link: 'https://photos.club.example/players/x.jpg',
    });
  });

  it.each([
    ['a bucket that does not exist', { bucket: 'no-such-bucket' }],
    ['a server that is not there', { endpoint: 'http://127.0.0.1:9' }],
  ])('reports %s as ToolUnavailableError', async (_, override) => {
    const storage = createS3PhotoStorage({
      bucket: 'club-photos',
      region: 'eu-west-2',
      endpoint: s3.endpoint,
      credentials: s3.credentials,
      timeoutMs: 3_000,
      ...override,
    });
    await expect(storage.put('players/y.jpg', new Uint8Array([1]))).rejects.toBeInstanceOf(
      ToolUnavailableError,
    );
  });
});

describe('photoKeyFor', () => {
  it('gives one key per registration, with no personal data in it', () => {
    const keys = new Set(
      Array.from({ length: 1000 }, (_, i) => photoKeyFor(`2026|child ${i}|2015-01-01`)),
    );
    expect(keys.size).toBe(1000);
    expect(photoKeyFor('2026|Ann Lee|2015-03-01')).toBe(photoKeyFor('2026|Ann Lee|2015-03-01'));
    expect(photoKeyFor('2026|Ann Lee|2015-03-01')).toMatch(/^players\/[0-9a-f]{32}\.jpg$/);
  });
});
