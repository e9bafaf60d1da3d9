import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/main.ts';
import { readEmbedded } from '../support/embedded.ts';
import { chat } from '../support/http.ts';
import { REGISTRATION, REGISTRATION_MESSAGES } from '../support/registration-script.ts';

/** The shared journey up to the payment-day question (routine 29). */
const TO_PAYMENT_DAY = REGISTRATION_MESSAGES.slice(
  0,
  REGISTRATION.findIndex(([, routine]) => routine === 29) + 1,
);

let server: RunningServer;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'concurrency-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: inject('redisUrl'),
    REDIS_KEY_PREFIX: `concurrency-${process.pid}-`,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
  });
  server = await startServer(config, { log: () => {} });
});
afterAll(() => server.close());

describe('twenty simultaneous requests on one session', () => {
  it('leave one consistent history: every answer processed in turn or refused, no effect run twice', async () => {
    let sessionId = '';
    for (const text of TO_PAYMENT_DAY) {
      sessionId = (
        await chat(server.url, {
          user_message: text,
          ...(sessionId ? { session_id: sessionId } : {}),
        })
      ).body.session_id;
    }
    const turns = await Promise.all(
      Array.from({ length: 20 }, () =>
        // As the club's frontend sends it: with the routine it was showing.
        chat(server.url, {
          user_message: '15th',
          session_id: sessionId,
          last_agent: 'new_registration',
          routine_number: 29,
        }),
      ),
    );

    const processed = turns.filter((turn) => turn.status === 200);
    const refused = turns.filter((turn) => turn.status === 409);
    expect(processed.length + refused.length).toBe(20);
    expect(processed.length).toBeGreaterThan(0);
    for (const turn of refused) expect(turn.body.response).toMatch(/send .*again/i);
    // The first processed turn saves, pays and texts; every later one is recognised as the same
    // message sent again and answered with the reply it missed, never applied to routine 30.
    expect(processed.every((turn) => turn.body.routine_number === 30)).toBe(true);
    expect(new Set(processed.map((turn) => turn.body.response)).size).toBe(1);

    const { registrations, billingRequests, texts } = readEmbedded(dataDir);
    expect([registrations.length, billingRequests, texts]).toEqual([1, 1, 1]);
    expect(registrations[0]).toMatchObject({ preferred_payment_day: 15 });

    const next = await chat(server.url, { user_message: 'yes', session_id: sessionId });
    expect(next.body.routine_number).toBe(32);
  });
});
