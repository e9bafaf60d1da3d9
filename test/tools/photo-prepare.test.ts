import exifr from 'exifr';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHeifConvertDecoder, createWasmHeicDecoder } from '../../tools/photos/heic.ts';
import {
  closeSharedHeicDecoder,
  preparePhoto,
  type PreparedPhoto,
} from '../../tools/photos/prepare.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';
import {
  corners,
  exiftoolTags,
  iphoneHeic,
  markedImage,
  phoneJpeg,
} from '../fixtures/photos/make.ts';

// Where the red square (stored top-left) must be once the photo is upright.
const cases = [
  {
    name: 'a phone JPEG with EXIF orientation 6, GPS, XMP, a comment and a P3 profile',
    make: () => phoneJpeg(320, 240),
    sourceType: 'image/jpeg',
    upright: { width: 240, height: 320, topLeft: 'blue', topRight: 'red', bottomRight: 'blue' },
  },
  {
    name: 'an iPhone HEVC HEIC with irot and EXIF orientation both saying a quarter turn',
    make: () => iphoneHeic(320, 240),
    sourceType: 'image/heic',
    upright: { width: 240, height: 320, topLeft: 'blue', topRight: 'red', bottomRight: 'blue' },
  },
  {
    name: 'a PNG with alpha (transparent right half turns white)',
    make: () => markedImage(300, 300, { alpha: true }).png().toBuffer(),
    sourceType: 'image/png',
    upright: { width: 300, height: 300, topLeft: 'red', topRight: 'white', bottomLeft: 'blue' },
  },
  {
    name: 'a WebP',
    make: () => markedImage(400, 250).webp().toBuffer(),
    sourceType: 'image/webp',
    upright: { width: 400, height: 250, topLeft: 'red', topRight: 'blue', bottomRight: 'blue' },
  },
  {
    name: 'a JPEG larger than 1600 px (bounded)',
    make: () => markedImage(2400, 1200).jpeg().toBuffer(),
    sourceType: 'image/jpeg',
    upright: { width: 1600, height: 800, topLeft: 'red', topRight: 'blue', bottomLeft: 'blue' },
  },
] as const;

const sources = new Map<string, Uint8Array>();
const prepared = new Map<string, PreparedPhoto>();

beforeAll(async () => {
  for (const { name, make } of cases) sources.set(name, new Uint8Array(await make()));
  for (const [name, bytes] of sources) prepared.set(name, await preparePhoto(bytes));
});
afterAll(() => closeSharedHeicDecoder());

describe('preparePhoto', () => {
  it.each(cases)('turns $name into an upright JPEG', async ({ name, sourceType, upright }) => {
    const photo = prepared.get(name);
    expect(photo?.sourceType).toBe(sourceType);
    expect({ width: photo?.width, height: photo?.height }).toEqual({
      width: upright.width,
      height: upright.height,
    });
    expect(await corners(photo?.jpeg ?? new Uint8Array())).toMatchObject(upright);
  });

  it('leaves no EXIF, GPS, XMP, ICC profile or comment, read back by exiftool and exifr', async () => {
    const outputs = cases.map(({ name }) => prepared.get(name)?.jpeg ?? new Uint8Array());
    const [phoneSource, ...outputTags] = await exiftoolTags([
      sources.get(cases[0].name) ?? new Uint8Array(),
      ...outputs,
    ]);
    // The source really carried what must go.
    expect(phoneSource).toEqual(
      expect.arrayContaining([
        'IFD0:Orientation',
        'GPS:GPSLatitude',
        'XMP-dc:Description',
        'File:Comment',
        'ICC_Profile:ProfileDescription',
      ]),
    );
    for (const tags of outputTags) {
      expect(
        tags.filter((tag) => !/^(SourceFile|(ExifTool|System|File|JFIF|Composite):)/.test(tag)),
      ).toEqual([]);
      expect(tags).not.toContain('File:Comment');
    }
    for (const jpeg of outputs) {
      expect(
        await exifr.parse(jpeg, { tiff: true, xmp: true, icc: true, iptc: true, jfif: false }),
      ).toBeUndefined();
      expect(await exifr.gps(jpeg)).toBeUndefined();
    }
  });

  it('applies a HEIC rotation once through heif-convert too, ignoring the EXIF it copies', async () => {
    const heic = sources.get(cases[1].name) ?? new Uint8Array();
    const photo = await preparePhoto(heic, { heic: createHeifConvertDecoder() });
    expect(await corners(photo.jpeg)).toMatchObject(cases[1].upright);
    const [tags] = await exiftoolTags([photo.jpeg]);
    expect(tags).not.toContain('IFD0:Orientation');
  });

  it('reports a missing heif-convert as the tool being unavailable, not as a bad photo', async () => {
    const heic = sources.get(cases[1].name) ?? new Uint8Array();
    const decoder = createHeifConvertDecoder({ command: 'heif-convert-not-installed' });
    await expect(preparePhoto(heic, { heic: decoder })).rejects.toBeInstanceOf(
      ToolUnavailableError,
    );
  });

  it('keeps the event loop free while a HEIC is decoded in the worker thread', async () => {
    const decoder = createWasmHeicDecoder();
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    try {
      await preparePhoto(sources.get(cases[1].name) ?? new Uint8Array(), { heic: decoder });
    } finally {
      delay.disable();
      await decoder.close();
    }
    expect(delay.max / 1e6).toBeLessThan(50);
    expect(delay.count).toBeGreaterThan(0);
  });

  it('refuses a HEIC cut short in its picture data, and the worker goes on decoding', async () => {
    const heic = sources.get(cases[1].name) ?? new Uint8Array();
    const damaged = heic.subarray(0, Math.floor(heic.length * 0.8));
    const decoder = createWasmHeicDecoder();
    try {
      await expect(preparePhoto(damaged, { heic: decoder })).rejects.toMatchObject({
        name: 'PhotoRejectedError',
        code: 'corrupt',
      });
      expect((await preparePhoto(heic, { heic: decoder })).width).toBe(240);
    } finally {
      await decoder.close();
    }
  });

  it('refuses more HEIC work than its queue holds, and stops when the caller gives up', async () => {
    const heic = sources.get(cases[1].name) ?? new Uint8Array();
    const decoder = createWasmHeicDecoder({ maxQueue: 1 });
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, () => preparePhoto(heic, { heic: decoder })),
      );
      expect(results.some(({ status }) => status === 'fulfilled')).toBe(true);
      expect(
        results.some(
          (result) => result.status === 'rejected' && result.reason instanceof ToolUnavailableError,
        ),
      ).toBe(true);
      await expect(
        preparePhoto(heic, { heic: decoder, signal: AbortSignal.abort() }),
      ).rejects.toThrow(/abort/i);
    } finally {
      await decoder.close();
    }
  });
});
