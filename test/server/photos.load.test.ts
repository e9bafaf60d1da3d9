import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twelveMegapixelHeic } from '../fixtures/photos/large.ts';
import { REGISTRATION_MESSAGES } from '../support/registration-script.ts';
import { registerUntilPhoto, startTestServer, type TestServer } from './support.ts';

/** How many 12 MP HEIC photos are processed together, and the bound on a turn's wait for the loop. */
const PHOTOS = 10;
const MAX_LOOP_DELAY_MS = 50;
const BASELINE_MS = 10_000;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (ns: number) => ns / 1e6;
const sleep = (delay: number) => new Promise((resolve) => setTimeout(resolve, delay));

// The server runs in this process, so the event loop measured here is the server's own: the one
// that answers /chat. HEIC is decoded and encoded in the worker-thread pool (niced), other photos
// on sharp's threads; the main thread only reads files and runs turns.
describe('ten 12 MP HEIC photos in the photo job', () => {
  let server: TestServer;
  let heic: Uint8Array = new Uint8Array();
  const sessions: string[] = [];

  beforeAll(async () => {
    heic = (await twelveMegapixelHeic()).bytes;
    // Every parent here shares 127.0.0.1: the per-address limit is not what this measures.
    server = await startTestServer({ RATE_LIMIT_PER_MINUTE: '100000' });
    for (let shirt = 2; shirt < 2 + PHOTOS; shirt += 1) {
      sessions.push(await registerUntilPhoto(server, shirt));
    }
  }, 180_000);
  afterAll(() => server?.close());

  /** Three other parents chatting (a message, a pause to read, the next) until `until` settles. */
  async function chatterWhile<T>(until: Promise<T>) {
    const turnMs: number[] = [];
    const refused: number[] = [];
    let going = true;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const parent = async () => {
      while (going) {
        let sessionId: string | undefined;
        for (const text of REGISTRATION_MESSAGES.slice(0, 8)) {
          if (!going) return;
          const started = performance.now();
          const { status, body } = await server.post('/chat', {
            user_message: text,
            ...(sessionId ? { session_id: sessionId } : {}),
          });
          turnMs.push(performance.now() - started);
          if (status !== 200) refused.push(status);
          sessionId = String(body.session_id);
          await sleep(100);
        }
      }
    };
    const parents = Promise.all([1, 2, 3].map(() => parent()));
    const result = await until;
    going = false;
    await parents;
    delay.disable();
    return { result, turnMs: turnMs.sort((a, b) => a - b), refused, delay };
  }

  const describeRun = (name: string, turnMs: number[], delay: IntervalHistogram) =>
    `${name}: ${turnMs.length} /chat turns, p50 ${percentile(turnMs, 50).toFixed(0)} ms, ` +
    `p99 ${percentile(turnMs, 99).toFixed(0)} ms; event-loop delay p99 ` +
    `${ms(delay.percentile(99)).toFixed(1)} ms, max ${ms(delay.max).toFixed(1)} ms`;

  it('leave other sessions chatting: the photos add at most 50 ms of event-loop delay (p99)', async () => {
    // The same chatter without photos: what this machine gives anyway.
    const baseline = await chatterWhile(sleep(BASELINE_MS));

    for (const sessionId of sessions) {
      const reply = await server.upload(
        '/upload-async',
        { session_id: sessionId },
        {
          bytes: heic,
          name: 'IMG_4032.HEIC',
          type: 'image/heic',
        },
      );
      expect(reply.body).toMatchObject({ processing: true });
    }
    const started = performance.now();
    const withPhotos = await chatterWhile(
      Promise.all(
        // Polled every second (the club frontend polls every 2 s).
        sessions.map(async (sessionId) => {
          for (;;) {
            await sleep(1_000);
            const status = await server.get(`/upload-status/${sessionId}`);
            if (status.status !== 200 || status.body.complete === true) return status;
          }
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;

    // Printed for the report.
    process.stdout.write(
      [
        describeRun('without photos', baseline.turnMs, baseline.delay),
        describeRun(
          `${PHOTOS} × 12 MP HEIC in ${seconds.toFixed(1)} s`,
          withPhotos.turnMs,
          withPhotos.delay,
        ),
        '',
      ].join('\n'),
    );
    for (const status of withPhotos.result) {
      expect(status.body).toMatchObject({ complete: true, error: null, routine_number: 35 });
    }
    expect([...baseline.refused, ...withPhotos.refused]).toEqual([]);
    expect(withPhotos.turnMs.length).toBeGreaterThan(PHOTOS);
    // On a quiet machine both delays stay far under 50 ms. On a shared, overloaded one the
    // scheduler alone delays the loop (the baseline shows by how much): the photos may add no
    // more than 50 ms to it at the 99th percentile, and the turns' median stays where it was.
    const added = ms(withPhotos.delay.percentile(99)) - ms(baseline.delay.percentile(99));
    expect(added).toBeLessThanOrEqual(MAX_LOOP_DELAY_MS);
    expect(percentile(withPhotos.turnMs, 50)).toBeLessThanOrEqual(
      2 * percentile(baseline.turnMs, 50) + 20,
    );
  }, 300_000);
});
