/**
 * The HEIC bench (run by `npm run bench`, or alone with `tsx test/bench/photos.mts`): the same
 * 12 MP HEVC HEIC (made by heif-enc, cached in os.tmpdir()) converted to the stored JPEG by the
 * product's route (heic-decode WASM in a worker thread, then sharp) and by Debian's heif-convert
 * (then sharp), each in a fresh process, PHOTO_RUNS times (default 1). Prints the median time and
 * peak memory of each route.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { twelveMegapixelHeic, TWELVE_MP } from '../fixtures/photos/large.ts';
import { median } from './figures.mts';

const run = promisify(execFile);
const RUNS = Number(process.env.PHOTO_RUNS ?? 1);
const Once = z.object({ route: z.string(), ms: z.number(), peakMb: z.number() });

async function once(route: 'wasm' | 'heif-convert', path: string) {
  const script = new URL('./photo-once.mts', import.meta.url).pathname;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, route, path], {
    maxBuffer: 1024 * 1024,
  });
  return Once.parse(JSON.parse(stdout.trim().split('\n').pop() ?? '{}'));
}

/** heif-convert alone, under GNU time: its own seconds and peak memory. */
async function heifConvertAlone(path: string) {
  const folder = await mkdtemp(join(tmpdir(), 'bench-heif-'));
  try {
    const { stderr } = await run('/usr/bin/time', [
      '-f',
      'TIME %e %M',
      'heif-convert',
      '-q',
      '92',
      path,
      join(folder, 'out.jpg'),
    ]);
    const [, seconds = 'NaN', kb = 'NaN'] = /TIME (\S+) (\S+)/.exec(stderr) ?? [];
    return { ms: Number(seconds) * 1000, peakMb: Number(kb) / 1024 };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

export async function benchPhotos(
  write: (line: string) => void = (l) => process.stdout.write(l),
  runs = RUNS,
) {
  const { path, bytes } = await twelveMegapixelHeic();
  const results = { wasm: [] as z.infer<typeof Once>[], heifConvert: [] as z.infer<typeof Once>[] };
  const alone: { ms: number; peakMb: number }[] = [];
  // Alternated, so that the machine's other load falls on both routes alike.
  for (let i = 0; i < runs; i += 1) {
    results.wasm.push(await once('wasm', path));
    results.heifConvert.push(await once('heif-convert', path));
    alone.push(await heifConvertAlone(path));
  }
  const line = (name: string, ms: number[], mb: number[]) =>
    `${name.padEnd(52)} median ${median(ms).toFixed(0).padStart(5)} ms  (${ms.map((v) => v.toFixed(0)).join(', ')})  peak ${median(mb).toFixed(0).padStart(4)} MB`;
  const wasm = results.wasm;
  const heif = results.heifConvert;
  write(
    [
      `HEIC → stored JPEG, ${TWELVE_MP.width}×${TWELVE_MP.height} HEVC HEIC of ${(bytes.length / 1e6).toFixed(1)} MB, ${runs} runs each, fresh process per run`,
      line(
        'heic-decode (WASM) in a worker thread + sharp [used]',
        wasm.map((r) => r.ms),
        wasm.map((r) => r.peakMb),
      ),
      line(
        'heif-convert (child) + sharp: node process',
        heif.map((r) => r.ms),
        heif.map((r) => r.peakMb),
      ),
      line(
        '  heif-convert alone (GNU time)',
        alone.map((r) => r.ms),
        alone.map((r) => r.peakMb),
      ),
      `ratio (WASM / heif-convert route): time ${(median(wasm.map((r) => r.ms)) / median(heif.map((r) => r.ms))).toFixed(2)}x, ` +
        `memory ${(median(wasm.map((r) => r.peakMb)) / (median(heif.map((r) => r.peakMb)) + median(alone.map((r) => r.peakMb)))).toFixed(2)}x (node + child)`,
      '',
    ].join('\n'),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPhotos();
