import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectPhotoType } from '../../tools/photos/detect.ts';
import { PhotoRejectedError, type PhotoRejection } from '../../tools/photos/errors.ts';
import { closeSharedHeicDecoder, preparePhoto } from '../../tools/photos/prepare.ts';
import { markedImage, noise, pngHeader } from '../fixtures/photos/make.ts';

const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const join = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const heifBrand = (brand: string) =>
  join(new Uint8Array([0, 0, 0, 24]), ascii(`ftyp${brand}\0\0\0\0mif1${brand}`));

let goodJpeg = new Uint8Array();
beforeAll(async () => {
  goodJpeg = new Uint8Array(await markedImage(320, 240).jpeg().toBuffer());
});
afterAll(() => closeSharedHeicDecoder());

const refusals: {
  name: string;
  make: () => Uint8Array | Promise<Uint8Array>;
  code: PhotoRejection;
}[] = [
  {
    name: 'a text file named .jpg',
    make: () => ascii('Hello, this is my son Sam.\n'),
    code: 'not_an_image',
  },
  { name: 'zero bytes', make: () => new Uint8Array(), code: 'not_an_image' },
  {
    name: 'a truncated JPEG',
    make: () => goodJpeg.subarray(0, Math.floor(goodJpeg.length * 0.6)),
    code: 'corrupt',
  },
  {
    name: 'an 11 MB upload',
    make: () => join(goodJpeg, noise(11 * 1024 * 1024)),
    code: 'too_large',
  },
  {
    name: 'a PNG declaring 50000×50000',
    make: () => pngHeader(50_000, 50_000),
    code: 'too_many_pixels',
  },
  {
    name: 'a polyglot: JPEG magic, then a script',
    make: () =>
      join(
        new Uint8Array([0xff, 0xd8, 0xff, 0xe0]),
        ascii('<script>alert(document.cookie)</script>'),
      ),
    code: 'corrupt',
  },
  {
    name: 'random bytes behind the JPEG magic',
    make: () => join(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), noise(4000)),
    code: 'corrupt',
  },
  {
    name: 'random bytes behind the PNG magic',
    make: () => join(pngHeader(1, 1).subarray(0, 8), noise(4000)),
    code: 'not_an_image',
  },
  {
    name: 'random bytes behind a valid PNG header',
    make: () => join(pngHeader(320, 240).subarray(0, 33), noise(4000)),
    code: 'corrupt',
  },
  {
    name: 'random bytes behind the WebP magic',
    make: () => join(ascii('RIFF\xa0\x0f\0\0WEBPVP8 '), noise(4000)),
    code: 'corrupt',
  },
  ...['heic', 'heix', 'hevc', 'mif1', 'msf1'].map((brand) => ({
    name: `random bytes behind a HEIF ftyp box (${brand})`,
    make: () => join(heifBrand(brand), noise(4000)),
    code: 'corrupt' as const,
  })),
  {
    name: 'a GIF',
    make: async () => new Uint8Array(await markedImage(300, 300).gif().toBuffer()),
    code: 'unsupported_type',
  },
  {
    name: 'a PDF',
    make: () => ascii('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n'),
    code: 'unsupported_type',
  },
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

describe('preparePhoto refusals', () => {
  it.each(refusals)(
    'refuses $name with $code and a sentence for the parent',
    async ({ make, code }) => {
      const error: unknown = await preparePhoto(await make()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PhotoRejectedError);
      expect(error).toMatchObject({ code, message: expect.stringMatching(/^[A-Z].*\.$/) });
    },
  );

  it('refuses a script hidden in a valid JPEG by decoding it: the script does not survive', async () => {
    const script = ascii('<script>alert(1)</script>');
    const comment = join(new Uint8Array([0xff, 0xfe, 0, script.length + 2]), script);
    const polyglot = join(goodJpeg.subarray(0, 2), comment, goodJpeg.subarray(2), script);
    const { jpeg } = await preparePhoto(polyglot);
    expect(Buffer.from(jpeg).includes('<script')).toBe(false);
    expect(Buffer.from(polyglot).includes('<script')).toBe(true);
  });

  it('speaks to the parent in plain sentences', () => {
    const codes: PhotoRejection[] = [
      'not_an_image',
      'unsupported_type',
      'corrupt',
      'too_large',
      'too_many_pixels',
      'too_small',
      'odd_shape',
    ];
    expect(Object.fromEntries(codes.map((code) => [code, new PhotoRejectedError(code).message])))
      .toMatchInlineSnapshot(`
      {
        "corrupt": "We couldn't open that photo: it may be damaged or only partly uploaded. Please try sending it again.",
        "not_an_image": "That file doesn't look like a photo. Please send a JPEG, PNG, WebP or iPhone (HEIC) photo.",
        "odd_shape": "That photo is a very unusual shape. Please send an ordinary photo of your child's head and shoulders.",
        "too_large": "That file is too big (over 10 MB). Please send a smaller photo.",
        "too_many_pixels": "That photo has far too many pixels for us to handle. Please send an ordinary phone photo or a screenshot of it.",
        "too_small": "That photo is too small for us to see your child's face. Please send a larger one (at least 200 × 200 pixels).",
        "unsupported_type": "We can't use that kind of file. Please send the photo as a JPEG, PNG, WebP or iPhone (HEIC) photo.",
      }
    `);
  });
});

describe('detectPhotoType', () => {
  it.each([
    ['image/jpeg', () => goodJpeg],
    ['image/heic', () => heifBrand('heic')],
    ['image/heic', () => heifBrand('hevc')],
    ['image/heif', () => heifBrand('mif1')],
    ['image/heif', () => heifBrand('msf1')],
  ])('finds %s by its first bytes', async (type, make) => {
    expect(await detectPhotoType(make())).toBe(type);
  });
});
