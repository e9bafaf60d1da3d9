import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { z } from 'zod';
import { ToolUnavailableError } from '../tool.ts';
import { PhotoRejectedError } from './errors.ts';

/**
 * A HEIF photo decoded and already upright (irot applied): raw RGBA pixels, or an encoded image
 * whose pixels are upright even if it still carries an EXIF orientation, which must not be applied.
 */
export type UprightImage =
  | { kind: 'rgba'; width: number; height: number; data: Uint8Array }
  | { kind: 'encoded'; data: Uint8Array }
  | FinishedJpeg;

/** The stored photo already made by the decoder: upright, bounded, flattened, no metadata. */
export type FinishedJpeg = { kind: 'jpeg'; width: number; height: number; data: Uint8Array };

/** Asks the decoder to finish the photo itself (a decoder may ignore it and give pixels). */
export type JpegTarget = { maxSide: number; quality: number };

/** Decodes HEIC/HEIF (HEVC) photos, which the prebuilt sharp cannot, off the main thread. */
export interface HeicDecoder {
  decode(heif: Uint8Array, signal?: AbortSignal, target?: JpegTarget): Promise<UprightImage>;
  close(): Promise<void>;
}

export type WasmHeicDecoderOptions = {
  /** Worker threads (default 1: a 12 MP decode takes ~250 MB while it runs). */
  threads?: number;
  /** Photos waiting for a thread beyond which decode() fails at once with ToolUnavailableError. */
  maxQueue?: number;
  /** An idle thread ends after this long, giving its WASM memory back (default 30 s). */
  idleTimeoutMs?: number;
  timeoutMs?: number;
  /** Lowers the threads' CPU priority (Linux nice, default 10) so chat turns go first. */
  niceIncrement?: number;
};

const Decoded = z.object({
  kind: z.enum(['rgba', 'jpeg']),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  data: z.instanceof(Uint8Array),
});

/**
 * The default route: heic-decode (libheif built to WASM, so a hostile file stays inside the WASM
 * sandbox) in a piscina pool. Measured on one 4032×3024 HEVC HEIC (5.9 MB, heif-enc, irot) on
 * this 2-core machine, decode + sharp to a 1600 px JPEG, fresh process each run:
 * - load ~2: WASM 1.8–2.5 s in all (decode 1.6–2.2 s), peak RSS ~246 MB (Node + sharp ~110 MB);
 *   heif-convert 1.6–3.1 s in all (child 1.3–2.7 s, child peak 109 MB), Node ~115 MB.
 * - load ~17 (other agents' tests): through preparePhoto, WASM 6.3–9.4 s, peak 323 MB;
 *   heif-convert 4.6–7.4 s, peak 150 MB.
 * With the JPEG finished in the worker thread too (so that the main thread sees no pixels),
 * `npm run bench` on the cached 12 MP heif-enc file (load ~14): WASM route 4.2–5.7 s, peak
 * 322 MB; heif-convert route 1.9–2.5 s, node 140 MB + child 68 MB.
 * heif-convert is up to ~2× faster and needs ~110–170 MB less, but it is a native parser of
 * untrusted files from Debian's libheif 1.15.1 and must be installed; the WASM route needs
 * nothing outside npm and keeps a hostile file in the sandbox. One thread at a time keeps the
 * memory bounded, so the WASM route is the default and heif-convert the measured alternative.
 */
export function createWasmHeicDecoder(options: WasmHeicDecoderOptions = {}): HeicDecoder {
  const threads = options.threads ?? 1;
  const pool = new Piscina({
    filename: new URL('./heic-worker.js', import.meta.url).href,
    minThreads: 0,
    maxThreads: threads,
    maxQueue: options.maxQueue ?? 8,
    idleTimeout: options.idleTimeoutMs ?? 30_000,
    niceIncrement: options.niceIncrement ?? 10,
  });
  const timeoutMs = options.timeoutMs ?? 60_000;
  return {
    async decode(heif, signal, target) {
      if (pool.queueSize >= pool.options.maxQueue) {
        throw new ToolUnavailableError('heicDecoder', { cause: 'queue full' });
      }
      const timeout = AbortSignal.timeout(timeoutMs);
      let result: unknown;
      try {
        result = await pool.run(
          { bytes: heif, ...(target ? { jpeg: target } : {}) },
          { signal: signal ? AbortSignal.any([signal, timeout]) : timeout },
        );
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (timeout.aborted) throw new ToolUnavailableError('heicDecoder', { cause: error });
        throw new PhotoRejectedError('corrupt', { cause: error });
      }
      return Decoded.parse(result);
    },
    async close() {
      await pool.destroy();
    },
  };
}

export type HeifConvertOptions = { command?: string; timeoutMs?: number };

/**
 * The measured alternative: Debian's heif-convert in a child process, writing a JPEG (quality 92)
 * that sharp then re-encodes. It applies irot itself and copies the EXIF orientation into its
 * output, so that orientation must not be applied again (preparePhoto never does for HEIF).
 */
export function createHeifConvertDecoder(options: HeifConvertOptions = {}): HeicDecoder {
  const command = options.command ?? 'heif-convert';
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    async decode(heif, signal) {
      const folder = await mkdtemp(join(tmpdir(), 'heif-'));
      try {
        await writeFile(join(folder, 'in.heic'), heif, { mode: 0o600 });
        await run(command, ['-q', '92', 'in.heic', 'out.jpg'], folder, timeoutMs, signal);
        // With several top-level images heif-convert numbers its outputs; the first is the photo.
        const data = await readFile(join(folder, 'out.jpg')).catch(() =>
          readFile(join(folder, 'out-1.jpg')),
        );
        return { kind: 'encoded', data };
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (error instanceof ToolUnavailableError) throw error;
        throw new PhotoRejectedError('corrupt', { cause: error });
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },
    async close() {},
  };
}

function run(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  signal?: AbortSignal,
) {
  return new Promise<void>((resolve, reject) => {
    execFile(command, args, { cwd, timeout: timeoutMs, ...(signal ? { signal } : {}) }, (error) => {
      if (!error) return resolve();
      const code = (error as NodeJS.ErrnoException).code;
      // Not installed, or killed by the timeout: not the photo's fault.
      if (code === 'ENOENT' || error.killed)
        reject(new ToolUnavailableError('heifConvert', { cause: error }));
      else reject(error);
    });
  });
}
