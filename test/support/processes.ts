import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from './http.ts';

const ROOT = join(import.meta.dirname, '../..');

/** A product process as `npm start` / `npm run worker` run it, killable with SIGKILL. */
export type ProductProcess = { child: ChildProcess; kill(): Promise<void> };
export type WebProcess = ProductProcess & { base: string };

const spawned: ChildProcess[] = [];

/** Kills every process a test started (call it from afterAll). */
export function killAll() {
  for (const child of spawned) if (child.exitCode === null) child.kill('SIGKILL');
}

function start(entry: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  spawned.push(child);
  const kill = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  return { child, kill };
}

/** `server/main.ts` on env.PORT, once its /health answers 200. */
export async function startWeb(env: Record<string, string>): Promise<WebProcess> {
  const started = start('server/main.ts', env);
  const base = `http://127.0.0.1:${env.PORT}`;
  await eventually(async () => {
    const health = await fetch(`${base}/health`);
    if (health.status !== 200) throw new Error(`health ${health.status}`);
  }, 20_000);
  return { ...started, base };
}

/** `server/worker.ts`: the job workers alone. */
export function startWorker(env: Record<string, string>): ProductProcess {
  return start('server/worker.ts', env);
}
