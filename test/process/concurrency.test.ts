import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/main.ts';
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
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
  });
  server = await startServer(config, { log: () => {} });
});
afterAll(() => server.close());

const json = async (name: string) =>
  JSON.parse(await readFile(join(dataDir, name), 'utf8')) as Record<string, unknown>;

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
        chat(server.url, { user_message: '15th', session_id: sessionId }),
      ),
    );

    const processed = turns.filter((turn) => turn.status === 200);
    const refused = turns.filter((turn) => turn.status === 409);
    expect(processed.length + refused.length).toBe(20);
    expect(processed.length).toBeGreaterThan(0);
    for (const turn of refused) expect(turn.body.response).toMatch(/send .*again/i);
    // The first processed turn saves, pays and texts; every later one meets routine 30 and is re-asked.
    expect(
      processed.filter((turn) => turn.body.response.startsWith("I've saved the registration")),
    ).toHaveLength(1);
    expect(processed.every((turn) => turn.body.routine_number === 30)).toBe(true);

    const registrations = (await json('registrations.json')).registrations as Record<
      string,
      unknown
    >;
    const payments = (await json('payments.json')).billingRequests as Record<string, unknown>;
    const texts = (await json('sms-outbox.json')).messages as unknown[];
    expect([Object.keys(registrations).length, Object.keys(payments).length, texts.length]).toEqual(
      [1, 1, 1],
    );

    const next = await chat(server.url, { user_message: 'yes', session_id: sessionId });
    expect(next.body.routine_number).toBe(32);
  });
});
