import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../support/redis.ts';
import { readEmbedded } from '../support/embedded.ts';
import { chat, eventually } from '../support/http.ts';
import { REGISTRATION } from '../support/registration-script.ts';

const ROOT = join(import.meta.dirname, '../..');

/** Killed after the mobile number (routine 8), before the e-mail: halfway through. */
const BEFORE_KILL = REGISTRATION.slice(0, 10);
const AFTER_KILL = REGISTRATION.slice(10);

const children: ChildProcess[] = [];
afterAll(() => children.forEach((child) => child.kill('SIGKILL')));

/** The real server as its own process: `node --import tsx server/main.ts`, so SIGKILL hits it directly. */
async function startProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  const base = `http://127.0.0.1:${env.PORT}`;
  await eventually(async () => {
    const health = await fetch(`${base}/health`);
    if (health.status !== 200) throw new Error(`health ${health.status}`);
  }, 20_000);
  return { child, base };
}

describe('a server killed halfway through a registration', () => {
  it('is replaced by a new process on the same Redis that finishes it with nothing lost or asked twice', async () => {
    const env = {
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: `restart-${process.pid}-`,
      DATA_DIR: await mkdtemp(join(tmpdir(), 'restart-')),
      ADMIN_TOKEN: 'restart-test-token',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
    };
    const first = await startProcess(env);
    let sessionId: string | undefined;
    for (const [text, routine] of BEFORE_KILL) {
      const turn = await chat(first.base, {
        user_message: text,
        ...(sessionId ? { session_id: sessionId } : {}),
      });
      sessionId = turn.body.session_id;
      expect({ text, routine: turn.body.routine_number }).toEqual({ text, routine });
    }

    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;

    const second = await startProcess(env);
    const asked: string[] = [];
    for (const [text, routine] of AFTER_KILL) {
      const turn = await chat(second.base, { user_message: text, session_id: sessionId });
      expect({ text, routine: turn.body.routine_number }).toEqual({ text, routine });
      asked.push(turn.body.response);
    }
    expect(asked[0]).toMatch(/consent|club news/i);
    expect(asked.join('\n')).not.toMatch(/What's your mobile number/);

    expect(readEmbedded(env.DATA_DIR).registrations).toEqual([
      expect.objectContaining({
        parent_first_name: 'Sarah',
        player_last_name: "O'Brien",
        player_dob: '03-02-2016',
        parent_telephone: '07700900123',
        parent_email: 'sarah@example.com',
        shirt_number: '7',
        kit_size: '9/10',
      }),
    ]);
  });
});
