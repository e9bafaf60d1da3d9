import exifr from 'exifr';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PhotoRejectedError, type PhotoRejection } from '../../tools/photos/errors.ts';
import { photoKeyFor } from '../../tools/photos/port.ts';
import { createS3PhotoStorage } from '../../tools/photos/s3-photo-storage.ts';
import { startS3Server, type S3Server } from '../fakes/s3-server.ts';
import {
  corners,
  exiftoolTags,
  iphoneHeic,
  markedImage,
  noise,
  phoneJpeg,
  pngHeader,
} from '../fixtures/photos/make.ts';
import {
  bearer,
  childFor,
  pollUpload,
  registerUntilPhoto,
  startTestServer,
  type Reply,
  type TestServer,
} from './support.ts';

type Registration = { id: string; fields: Record<string, string> };

const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const join8 = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const sentence = (code: PhotoRejection) => new PhotoRejectedError(code).message;

async function registrationOf(server: TestServer, shirt: number) {
  const { body } = await server.get('/admin/registrations', bearer());
  const all = body.registrations as Registration[];
  return all.find((registration) => registration.fields.player_first_name === childFor(shirt));
}

/** Every file under `folder` (none when it does not exist). */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

// Sources the size a phone sends scaled down (the 12 MP file has its own test), and where the
// red square (stored top-left) must be in the stored photo once it is upright.
const photos = [
  {
    name: 'an iPhone HEVC HEIC (heif-enc) with irot and EXIF orientation',
    file: 'IMG_0001.HEIC',
    type: 'image/heic',
    make: () => iphoneHeic(640, 480),
    upright: { width: 480, height: 640, topLeft: 'blue', topRight: 'red', bottomRight: 'blue' },
    shirt: 2,
  },
  {
    name: 'a JPEG with EXIF orientation 6, GPS, XMP and a comment',
    file: 'garden.jpg',
    type: 'image/jpeg',
    make: () => phoneJpeg(640, 480),
    upright: { width: 480, height: 640, topLeft: 'blue', topRight: 'red', bottomRight: 'blue' },
    shirt: 3,
  },
  {
    name: 'a PNG with alpha',
    file: 'cut-out.png',
    type: 'image/png',
    make: async () => new Uint8Array(await markedImage(400, 400, { alpha: true }).png().toBuffer()),
    upright: { width: 400, height: 400, topLeft: 'red', topRight: 'white', bottomLeft: 'blue' },
    shirt: 4,
  },
  {
    name: 'a WebP larger than 1600 px',
    file: 'photo.webp',
    type: 'image/webp',
    make: async () => new Uint8Array(await markedImage(2000, 1250).webp().toBuffer()),
    upright: { width: 1600, height: 1000, topLeft: 'red', topRight: 'blue', bottomRight: 'blue' },
    shirt: 5,
  },
];

let goodJpeg = new Uint8Array();
const heifBrand = (brand: string) =>
  join8(new Uint8Array([0, 0, 0, 24]), ascii(`ftyp${brand}\0\0\0\0mif1${brand}`));

/** Refused as the request arrives: nothing about them is kept or queued. */
const atTheDoor: { name: string; make: () => Uint8Array; status: number; code: string }[] = [
  {
    name: 'a text file named .jpg',
    make: () => ascii('Hello, this is my son Sam.\n'),
    status: 415,
    code: 'not_an_image',
  },
  { name: 'zero bytes', make: () => new Uint8Array(), status: 415, code: 'not_an_image' },
  {
    name: 'an 11 MB upload',
    make: () => join8(goodJpeg, noise(11 * 1024 * 1024)),
    status: 413,
    code: 'photo_too_large',
  },
  {
    name: 'random bytes behind the PNG magic',
    make: () => join8(pngHeader(1, 1).subarray(0, 8), noise(4000)),
    status: 415,
    code: 'not_an_image',
  },
  {
    name: 'a PDF named .jpg',
    make: () => ascii('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n'),
    status: 415,
    code: 'unsupported_type',
  },
];

/** Accepted by their magic, then refused by the photo job once it has decoded them. */
const inTheJob: {
  name: string;
  make: () => Uint8Array | Promise<Uint8Array>;
  code: PhotoRejection;
}[] = [
  {
    name: 'a truncated JPEG',
    make: () => goodJpeg.subarray(0, Math.floor(goodJpeg.length * 0.6)),
    code: 'corrupt',
  },
  { name: 'a 50000×50000 PNG', make: () => pngHeader(50_000, 50_000), code: 'too_many_pixels' },
  {
    name: 'a polyglot (JPEG magic, then a script)',
    make: () => join8(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), ascii('<script>alert(1)</script>')),
    code: 'corrupt',
  },
  {
    name: 'random bytes behind the JPEG magic',
    make: () => join8(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), noise(4000)),
    code: 'corrupt',
  },
  {
    name: 'random bytes behind a valid PNG header',
    make: () => join8(pngHeader(320, 240).subarray(0, 33), noise(4000)),
    code: 'corrupt',
  },
  {
    name: 'random bytes behind the WebP magic',
    make: () => join8(ascii('RIFF\xa0\x0f\0\0WEBPVP8 '), noise(4000)),
    code: 'corrupt',
  },
  ...['heic', 'mif1'].map((brand) => ({
    name: `random bytes behind a HEIF ftyp box (${brand})`,
    make: () => join8(heifBrand(brand), noise(4000)),
    code: 'corrupt' as const,
  })),
  {
    name: 'a 150×150 photo',
    make: async () => new Uint8Array(await markedImage(150, 150).png().toBuffer()),
    code: 'too_small',
  },
  {
    name: 'a 1000×250 strip',
    make: async () => new Uint8Array(await markedImage(1000, 250).png().toBuffer()),
    code: 'odd_shape',
  },
];

describe('photos through the HTTP upload and the photo job', () => {
  let server: TestServer;
  const stored = new Map<string, Uint8Array>();
  const sources = new Map<string, Uint8Array>();

  beforeAll(async () => {
    server = await startTestServer();
    goodJpeg = new Uint8Array(await markedImage(320, 240).jpeg().toBuffer());
    for (const photo of photos) sources.set(photo.name, new Uint8Array(await photo.make()));
  }, 30_000);
  afterAll(() => server.close());

  const storedFolder = () => join(server.dataDir, 'photos', 'stored');
  const stagedFolder = () => join(server.dataDir, 'photos', 'staged');

  it.each(photos)(
    'stores $name upright, as a JPEG of the expected size, under the registration key',
    async ({ name, file, type, upright, shirt }) => {
      const sessionId = await registerUntilPhoto(server, shirt);
      const bytes = sources.get(name) ?? new Uint8Array();
      const accepted = await server.upload(
        '/upload-async',
        { session_id: sessionId },
        {
          bytes,
          name: file,
          type,
        },
      );
      expect(accepted.body).toMatchObject({ processing: true, routine_number: 34 });
      expect(accepted.body.response).toMatch(/Processing/);

      const status = await pollUpload(server, sessionId);
      expect(status.body).toMatchObject({ complete: true, error: null, routine_number: 35 });

      const registration = await registrationOf(server, shirt);
      const key = photoKeyFor(registration?.id ?? '');
      expect(registration?.fields.id_image_link).toBe(`photos/${key}`);
      const jpeg = new Uint8Array(await readFile(join(storedFolder(), key)));
      stored.set(name, jpeg);
      expect(await corners(jpeg)).toMatchObject(upright);
    },
    30_000,
  );

  it('keeps no EXIF, GPS, XMP, ICC profile or comment in any stored photo (exiftool, exifr)', async () => {
    const jpegs = photos.map(({ name }) => stored.get(name) ?? new Uint8Array());
    const phone = sources.get(photos[1]?.name ?? '') ?? new Uint8Array();
    const [phoneTags, ...storedTags] = await exiftoolTags([phone, ...jpegs]);
    // The phone's JPEG really carried what must go.
    expect(phoneTags).toEqual(
      expect.arrayContaining(['IFD0:Orientation', 'GPS:GPSLatitude', 'XMP-dc:Description']),
    );
    expect(storedTags).toHaveLength(photos.length);
    for (const tags of storedTags) {
      expect(
        tags.filter((tag) => !/^(SourceFile|(ExifTool|System|File|JFIF|Composite):)/.test(tag)),
      ).toEqual([]);
      expect(tags).not.toContain('File:Comment');
    }
    for (const jpeg of jpegs) {
      expect(jpeg.length).toBeGreaterThan(0);
      expect(await exifr.parse(jpeg, { tiff: true, xmp: true, icc: true, iptc: true })).toBe(
        undefined,
      );
      expect(await exifr.gps(jpeg)).toBeUndefined();
    }
  });

  it('gives two children two different keys, and keeps nothing staged once stored', async () => {
    const keys = await Promise.all(
      photos.map(async ({ shirt }) => photoKeyFor((await registrationOf(server, shirt))?.id ?? '')),
    );
    expect(new Set(keys).size).toBe(photos.length);
    expect((await filesUnder(storedFolder())).sort()).toEqual(
      keys.map((key) => key.split('/').pop()).sort(),
    );
    expect(await filesUnder(stagedFolder())).toEqual([]);
  });

  describe('refusals', () => {
    let sessionId = '';
    const shirt = 6;
    let storedBefore: string[] = [];

    beforeAll(async () => {
      sessionId = await registerUntilPhoto(server, shirt);
      storedBefore = await filesUnder(storedFolder());
    }, 30_000);

    it.each(atTheDoor)(
      'refuses $name as it arrives, with a sentence for the parent',
      async ({ make, status, code }) => {
        for (const path of ['/upload-async', '/upload']) {
          const reply = await server.upload(
            path,
            { session_id: sessionId },
            {
              bytes: make(),
              name: 'photo.jpg',
              type: 'image/jpeg',
            },
          );
          expect(reply).toMatchObject({ status, body: { error: { code } } });
          expect(reply.body.response).toMatch(/photo/i);
        }
      },
    );

    it.each(inTheJob)(
      'refuses $name in the photo job: the parent hears why and stays at routine 34',
      async ({ make, code }) => {
        const bytes = new Uint8Array(await make());
        const file = { bytes, name: 'photo.jpg', type: 'image/jpeg' };
        const accepted = await server.upload('/upload-async', { session_id: sessionId }, file);
        expect(accepted.body).toMatchObject({ processing: true, routine_number: 34 });
        const status: Reply = await pollUpload(server, sessionId);
        expect(status.body).toMatchObject({
          complete: true,
          error: `photo_${code}`,
          response: sentence(code),
          routine_number: 34,
        });
        // The synchronous route answers the same sentence at once.
        const now = await server.upload('/upload', { session_id: sessionId }, file);
        expect(now).toMatchObject({ status: 422, body: { response: sentence(code) } });
      },
    );

    it('stored and kept nothing of the refused files, and the chat still waits at 34', async () => {
      expect(await filesUnder(storedFolder())).toEqual(storedBefore);
      expect(await filesUnder(stagedFolder())).toEqual([]);
      const turn = await server.post('/chat', { user_message: 'hello?', session_id: sessionId });
      expect(turn.body.routine_number).toBe(34);
      expect((await server.get('/health')).status).toBe(200);
    });

    it('lists the registration as missing its photo until the parent tries again', async () => {
      const missing = await server.get('/admin/registrations?photo=missing', bearer());
      const names = (missing.body.registrations as Registration[]).map(
        (registration) => registration.fields.player_first_name,
      );
      expect(names).toEqual([childFor(shirt)]);

      // A real polyglot: a valid JPEG carrying a script. Decoding and re-encoding drops it.
      const script = ascii('<script>alert(document.cookie)</script>');
      const polyglot = join8(goodJpeg, script);
      const file = { bytes: polyglot, name: 'again.jpg', type: 'image/jpeg' };
      await server.upload('/upload-async', { session_id: sessionId }, file);
      expect((await pollUpload(server, sessionId)).body).toMatchObject({ routine_number: 35 });

      const registration = await registrationOf(server, shirt);
      const kept = await readFile(join(storedFolder(), photoKeyFor(registration?.id ?? '')));
      expect(kept.includes(Buffer.from('<script'))).toBe(false);
      const after = await server.get('/admin/registrations?photo=missing', bearer());
      expect(after.body.count).toBe(0);
      const present = await server.get('/admin/registrations?photo=present', bearer());
      expect(present.body.count).toBe(photos.length + 1);
    });
  });
});

describe('photos in S3 (s3rver, the real SDK)', () => {
  let s3: S3Server;
  let server: TestServer;

  beforeAll(async () => {
    s3 = await startS3Server(['club-photos']);
    // The SDK's usual credential chain reads these.
    vi.stubEnv('AWS_ACCESS_KEY_ID', s3.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', s3.credentials.secretAccessKey);
    server = await startTestServer({
      S3_BUCKET: 'club-photos',
      AWS_REGION: 'eu-west-2',
      S3_ENDPOINT: s3.endpoint,
    });
  });
  afterAll(async () => {
    await server?.close();
    await s3?.stop();
    vi.unstubAllEnvs();
  });

  it("stores each child's prepared photo privately under its own key, linked on the record", async () => {
    const storage = createS3PhotoStorage({
      bucket: 'club-photos',
      region: 'eu-west-2',
      endpoint: s3.endpoint,
      credentials: s3.credentials,
    });
    const keys: string[] = [];
    for (const shirt of [7, 8]) {
      const sessionId = await registerUntilPhoto(server, shirt);
      const bytes = new Uint8Array(
        await markedImage(300 + shirt, 400)
          .jpeg()
          .toBuffer(),
      );
      await server.upload(
        '/upload-async',
        { session_id: sessionId },
        {
          bytes,
          name: 'p.jpg',
          type: 'image/jpeg',
        },
      );
      expect((await pollUpload(server, sessionId)).body).toMatchObject({ routine_number: 35 });
      const registration = await registrationOf(server, shirt);
      const key = photoKeyFor(registration?.id ?? '');
      expect(registration?.fields.id_image_link).toBe(`s3://club-photos/${key}`);
      const object = await storage.get(key);
      expect(object && (await corners(object))).toMatchObject({ width: 300 + shirt, height: 400 });
      keys.push(key);
    }
    expect(keys[0]).not.toBe(keys[1]);
    const puts = s3.requests.filter((request) => request.method === 'PUT');
    expect(puts.map((request) => request.url.split('?')[0])).toEqual(
      keys.map((key) => `/club-photos/${key}`),
    );
    // Private: no ACL was ever asked for.
    for (const put of puts) expect(put.headers['x-amz-acl']).toBeUndefined();
    // Nothing went to the local folder.
    expect(await filesUnder(join(server.dataDir, 'photos', 'stored'))).toEqual([]);
  }, 60_000);
});
