// Runs in a piscina worker thread (plain JavaScript: Node loads it without a TypeScript loader).
// heic-decode (libheif compiled to WASM) works synchronously for seconds, hence the thread.
import decode from 'heic-decode';
import { move, transferableSymbol, valueSymbol } from 'piscina';

/**
 * Decodes the first image of a HEIF file to RGBA with its irot/imir/clap applied (libheif's
 * default); any EXIF orientation inside is not applied, as the HEIF standard requires.
 * @param {{ bytes: Uint8Array }} task
 */
export default async function decodeHeif({ bytes }) {
  const { width, height, data } = await decode({ buffer: bytes });
  const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  // Hands the pixel buffer to the main thread instead of copying it (48 MB for 12 MP).
  return move({
    [transferableSymbol]: [pixels.buffer],
    [valueSymbol]: { width, height, data: pixels },
  });
}
