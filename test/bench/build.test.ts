import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../support/redis.ts';
import { REGISTRATION } from '../support/registration-script.ts';
import { ROOT, spawnNode, untilHealthy, type Child } from './processes.mts';

const run = promisify(execFile);

describe('the production build', () => {
  let out = '';
  let web: Child | null = null;
  let base = '';

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'build-'));
    // The same build as `npm run build`, without the type check (`npm run typecheck` does that).
    await run(process.execPath, [
      '--import',
      'tsx',
      join(ROOT, 'scripts/build.ts'),
      out,
      '--no-check',
    ]);
    // Elsewhere than the repository, the compiled code finds its packages through this link.
    await symlink(join(ROOT, 'node_modules'), join(out, 'node_modules'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    web = spawnNode([join(out, 'server', 'main.js')], {
      HOST: '127.0.0.1',
      PORT: String(port),
      REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: `build-${process.pid}.`,
      RUN_WORKERS: 'false',
      DATA_DIR: join(out, 'data'),
      LOG_LEVEL: 'silent',
    });
    await untilHealthy(`${base}/health`, web, 30_000);
  }, 90_000);

  afterAll(async () => {
    await web?.stop();
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('starts from JavaScript alone and answers /health with 200', async () => {
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
  });

  it('finds the files it reads beside itself: the chat page and the club configuration', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const [first] = REGISTRATION;
    const turn = await fetch(`${base}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_message: first?.[0] }),
    });
    expect(turn.status).toBe(200);
    expect(await turn.json()).toMatchObject({ routine_number: first?.[1] });
  });

  it('runs a worker on the embedded store (no Redis) until it is told to stop', async () => {
    // Its job queue polls on unref'd timers: nothing else would hold the process up.
    const worker = spawnNode([join(out, 'server', 'worker.js')], {
      DATA_DIR: join(out, 'embedded'),
      LOG_LEVEL: 'silent',
    });
    const exited = new Promise<number | null>((resolve) =>
      worker.process.once('exit', (code) => resolve(code)),
    );
    const early = await Promise.race([
      exited.then(() => 'exited'),
      new Promise((resolve) => setTimeout(() => resolve('up'), 3_000)),
    ]);
    expect({ early, stderr: worker.stderr() }).toEqual({ early: 'up', stderr: '' });
    worker.process.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 20_000);
});
