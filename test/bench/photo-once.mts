/**
 * One HEIC conversion in a fresh process, for test/bench/photos.mts: `wasm` (heic-decode in the
 * worker-thread pool, the product's route) or `heif-convert` (Debian's tool in a child process),
 * then sharp to the stored 1600 px JPEG. Prints one JSON line: milliseconds and this process's
 * peak resident memory (worker threads included; a heif-convert child is measured apart).
 */
import { readFile } from 'node:fs/promises';
import { createHeifConvertDecoder, createWasmHeicDecoder } from '../../tools/photos/heic.ts';
import { preparePhoto } from '../../tools/photos/prepare.ts';

const [route, path] = process.argv.slice(2);
if ((route !== 'wasm' && route !== 'heif-convert') || !path) {
  throw new Error('usage: photo-once.mts wasm|heif-convert <file.heic>');
}
const bytes = new Uint8Array(await readFile(path));
const decoder = route === 'wasm' ? createWasmHeicDecoder() : createHeifConvertDecoder();
const started = performance.now();
const photo = await preparePhoto(bytes, { heic: decoder });
const ms = performance.now() - started;
await decoder.close();
process.stdout.write(
  `${JSON.stringify({
    route,
    ms: Math.round(ms),
    peakMb: Math.round(process.resourceUsage().maxRSS / 1024),
    width: photo.width,
    height: photo.height,
  })}\n`,
);
