// Runs in a piscina worker thread (plain JavaScript: Node loads it without a TypeScript loader).
// heic-decode (libheif compiled to WASM) works synchronously for seconds, hence the thread.
import decode from 'heic-decode';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import sharp from 'sharp';

/**
 * Decodes the first image of a HEIF file to RGBA with its irot/imir/clap applied (libheif's
 * default); any EXIF orientation inside is not applied, as the HEIF standard requires. With a
 * `jpeg` target, the photo is finished here too (scaled to fit `maxSide`, flattened on white,
 * encoded without metadata), so that no pixel work and no 48 MB buffer ever reach the main thread
 * (a buffer that size there makes V8 collect garbage, pausing every chat turn).
 * @param {{ bytes: Uint8Array, jpeg?: { maxSide: number, quality: number } }} task
 */
export default async function decodeHeif({ bytes, jpeg }) {
  const decoded = await decode({ buffer: bytes });
  const { width, height } = decoded;
  const pixels = new Uint8Array(
    decoded.data.buffer,
    decoded.data.byteOffset,
    decoded.data.byteLength,
  );
  if (!jpeg) {
    // Hands the pixel buffer to the main thread instead of copying it.
    return move({
      [transferableSymbol]: [pixels.buffer],
      [valueSymbol]: { kind: 'rgba', width, height, data: pixels },
    });
  }
  const { data, info } = await sharp(pixels, { raw: { width, height, channels: 4 } })
    .resize({ width: jpeg.maxSide, height: jpeg.maxSide, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: jpeg.quality })
    .toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return move({
    [transferableSymbol]: [out.buffer],
    [valueSymbol]: { kind: 'jpeg', width: info.width, height: info.height, data: out },
  });
}
