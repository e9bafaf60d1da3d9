/**
 * The bench's processes: the product's web and worker entries as production runs them (compiled
 * JavaScript from `npm run build` when dist/ exists, else TypeScript through tsx), the minimal
 * baseline server, and what the bench reads of each from outside: CPU time and resident memory
 * from /proc, and readiness from `/health`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

/** How the product runs: `dist` (compiled, as `npm run start:prod`) or `tsx` (as `npm start`). */
export type Runtime = { kind: 'dist' | 'tsx'; dir: string };

/** dist/ when built (or BENCH_RUNTIME=tsx to force TypeScript), else tsx. */
export function productRuntime(distDir = join(ROOT, 'dist')): Runtime {
  const built = existsSync(join(distDir, 'server', 'main.js'));
  return built && process.env.BENCH_RUNTIME !== 'tsx'
    ? { kind: 'dist', dir: distDir }
    : { kind: 'tsx', dir: ROOT };
}

export type Entry = 'main' | 'worker';

/** The npm script that runs each entry's compiled build in production. */
const PRODUCTION_SCRIPTS: Record<Entry, string> = { main: 'start:prod', worker: 'worker:prod' };

const Manifest = z.object({ scripts: z.record(z.string(), z.string()) });

/** The command line of the npm script that runs `entry` in production, from package.json. */
export function productionScript(entry: Entry): string {
  const { scripts } = Manifest.parse(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')));
  return scripts[PRODUCTION_SCRIPTS[entry]] ?? '';
}

/**
 * The node flags that production's command line (`npm run start:prod` or `worker:prod`) gives
 * before the compiled entry, so that the benches run the build exactly as production does.
 */
export function productionNodeFlags(entry: Entry, script = productionScript(entry)): string[] {
  const words = script.split(/\s+/).filter(Boolean);
  if (words[0] !== 'node' || words.at(-1) !== `dist/server/${entry}.js`) {
    throw new Error(
      `${PRODUCTION_SCRIPTS[entry]} is not "node [flags] dist/server/${entry}.js": ${script}`,
    );
  }
  return words.slice(1, -1);
}

/**
 * The node arguments that run `server/<entry>` under the runtime: the compiled build with
 * production's node flags, or the TypeScript through tsx as `npm start` runs it.
 */
export function entryArgs(runtime: Runtime, entry: Entry): string[] {
  return runtime.kind === 'dist'
    ? [...productionNodeFlags(entry), join(runtime.dir, 'server', `${entry}.js`)]
    : ['--import', 'tsx', join(ROOT, 'server', `${entry}.ts`)];
}

export type Child = {
  pid: number;
  process: ChildProcess;
  /** Everything it wrote to stderr (for an error message). */
  stderr: () => string;
  stop(): Promise<void>;
};

/** Spawns `node <args>` with `env` added to a clean environment (PATH and HOME only). */
export function spawnNode(args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid ?? 0,
    process: child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers 200; the milliseconds it took. */
export async function untilHealthy(url: string, child: Child, timeoutMs = 30_000) {
  const started = performance.now();
  for (;;) {
    if (child.process.exitCode !== null) {
      throw new Error(`The process exited (${child.process.exitCode}): ${child.stderr()}`);
    }
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - started;
    } catch {
      // Not listening yet.
    }
    if (performance.now() - started > timeoutMs) {
      throw new Error(`${url} was not healthy within ${timeoutMs} ms: ${child.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * CPU time of a process in nanoseconds: the run time of every live thread, from
 * /proc/<pid>/task/<tid>/schedstat (nanosecond resolution; /proc/<pid>/stat counts 10 ms ticks).
 * The web process's threads (main, libuv pool, V8's) live as long as it does.
 */
export function cpuNs(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return total;
}

/**
 * CPU time of a process's main thread alone, in nanoseconds: what JavaScript runs on. The rest of
 * cpuNs is V8's background threads (optimising compiles, parallel and concurrent GC) and libuv's.
 */
export function mainThreadCpuNs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]);
}

/** Resident memory of a process in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb ?? NaN) * 1024;
}
