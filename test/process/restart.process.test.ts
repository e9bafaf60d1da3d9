import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../support/redis.ts';
import { readEmbedded } from '../support/embedded.ts';
import { chat, chatThrough } from '../support/http.ts';
import { killAll, startWeb } from '../support/processes.ts';
import { REGISTRATION } from '../support/registration-script.ts';

/** Killed after the mobile number (routine 8), before the e-mail: halfway through. */
const BEFORE_KILL = REGISTRATION.slice(0, 10);
const AFTER_KILL = REGISTRATION.slice(10);

afterAll(killAll);

describe('a server killed halfway through a registration', () => {
  it.each([
    ['on the same Redis', true],
    ['in the embedded mode (no Redis, the SQLite file)', false],
  ])(
    'is replaced by a new process %s that finishes it with nothing lost or asked twice',
    async (_where, redis) => {
      const env = {
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        ...(redis
          ? { REDIS_URL: inject('redisUrl'), REDIS_KEY_PREFIX: `restart-${process.pid}-` }
          : {}),
        DATA_DIR: await mkdtemp(join(tmpdir(), 'restart-')),
        ADMIN_TOKEN: 'restart-test-token',
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
      };
      const first = await startWeb(env);
      const sessionId = await chatThrough(first.base, BEFORE_KILL);

      await first.kill();

      const second = await startWeb(env);
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
    },
  );
});
