import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORLD } from '../contracts/address-search.contract.ts';
import {
  startIdealPostcodesServer,
  type IdealPostcodesServer,
} from '../fakes/ideal-postcodes-server.ts';
import { REGISTRATION, startTestServer, type TestServer } from './support.ts';

type StreamEvent = { event: string; data: Record<string, unknown> };

const KEY = 'ak_test_0123456789';
const newSessionId = () => `session-${randomUUID()}`;

/** Splits a server-sent event stream into its events (one `event:` and one `data:` line each). */
function parseEvents(text: string): StreamEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? 'null';
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

describe('POST /chat with Accept: text/event-stream', () => {
  let server: TestServer;
  let provider: IdealPostcodesServer;

  beforeAll(async () => {
    provider = await startIdealPostcodesServer({ apiKey: KEY, world: WORLD });
    server = await startTestServer({
      ADDRESS_LOOKUP_PROVIDER: 'ideal-postcodes',
      ADDRESS_LOOKUP_API_KEY: KEY,
      ADDRESS_LOOKUP_BASE_URL: provider.baseUrl,
    });
  });
  afterAll(async () => {
    await server.close();
    await provider.close();
  });

  const streamed = async (message: string, sessionId: string) => {
    const response = await fetch(`${server.url}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ user_message: message, session_id: sessionId }),
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    return parseEvents(await response.text());
  };

  /** The registration up to the postcode, streamed on one session and plain on its twin. */
  const TO_THE_HOUSE = REGISTRATION.slice(
    0,
    REGISTRATION.findIndex(([, after]) => after === 15),
  );

  it('streams each turn in order and ends with the body a plain call answers', async () => {
    const [stream, plain] = [newSessionId(), newSessionId()];
    const names = ['Ava o’brien', 'Ben o’brien'];
    for (const [message, routineAfter] of TO_THE_HOUSE) {
      // One registration per child: the twins register two children.
      const [mine, theirs] =
        message === 'leo o’brien' ? (names as [string, string]) : [message, message];
      const events = await streamed(mine, stream);
      const twin = await server.post('/chat', { user_message: theirs, session_id: plain });
      expect(twin.status).toBe(200);

      const kinds = events.map((e) => e.event);
      expect(kinds[0]).toBe('understood');
      expect(kinds.at(-1)).toBe('reply');
      expect(kinds.slice(1, -1).every((kind) => kind.startsWith('effect.'))).toBe(true);
      const last = events.at(-1)?.data ?? {};
      expect(last).toMatchObject({ routine_number: routineAfter, session_id: stream });
      expect(Object.keys(last).sort()).toEqual(Object.keys(twin.body).sort());
      // The same answer but for the child's name (each twin registers its own child).
      const child = (text: unknown, name: string) => String(text).replaceAll(name, 'CHILD');
      expect(child(last.response, 'Ava')).toBe(child(twin.body.response, 'Ben'));
      expect(last.last_agent).toBe(twin.body.last_agent);
      expect(last.routine_number).toBe(twin.body.routine_number);
      // Each effect finishes right after it starts, with the event it answered.
      const effects = events.slice(1, -1);
      for (let i = 0; i < effects.length; i += 2) {
        expect(effects[i]).toMatchObject({ event: 'effect.started' });
        expect(effects[i + 1]).toMatchObject({
          event: 'effect.finished',
          data: { effect: effects[i]?.data.effect, outcome: expect.any(String) },
        });
      }
    }
  }, 20_000);

  it.each([
    ['the code', 'hi, my code is 200-Lions-U10-2526', ['findTeam']],
    ['a plain hello', 'hello', []],
  ])('shows the effects of %s', async (_name, message, expected) => {
    const events = await streamed(message, newSessionId());
    const started = events.filter((e) => e.event === 'effect.started').map((e) => e.data.effect);
    expect(started).toEqual(expected);
    expect(events[0]).toMatchObject({ event: 'understood', data: { routine: null } });
  });

  it('answers a refusal before the turn as plain JSON, and keeps the plain contract', async () => {
    const refused = await server.post(
      '/chat',
      { user_message: '' },
      { accept: 'text/event-stream' },
    );
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/json/);
    const plain = await server.post('/chat', { user_message: 'hello' });
    expect(plain.headers.get('content-type')).toMatch(/application\/json/);
    expect(Object.keys(plain.body).sort()).toEqual([
      'last_agent',
      'response',
      'routine_number',
      'session_id',
    ]);
  });

  /** The registration up to the house number, whose address lookup then hangs at the provider. */
  async function atTheHouse(child: string, postcode: string) {
    const sessionId = newSessionId();
    for (const [message] of TO_THE_HOUSE) {
      // A postcode not asked before: its lookup is not in the cache.
      const text =
        message === 'leo o’brien' ? `${child} o’brien` : message === 'm32 8jl' ? postcode : message;
      await server.post('/chat', { user_message: text, session_id: sessionId });
    }
    provider.script({ type: 'hang' }, { type: 'hang' });
    return sessionId;
  }

  it("ends with an error event carrying the plain call's error body when the turn fails", async () => {
    const quick = await startTestServer(
      {
        ADDRESS_LOOKUP_PROVIDER: 'ideal-postcodes',
        ADDRESS_LOOKUP_API_KEY: KEY,
        ADDRESS_LOOKUP_BASE_URL: provider.baseUrl,
      },
      { turnDeadlineMs: 600 },
    );
    try {
      const answers: StreamEvent[] = [];
      for (const [i, mode] of (['stream', 'plain'] as const).entries()) {
        const sessionId = newSessionId();
        for (const [message] of TO_THE_HOUSE) {
          const text =
            message === 'leo o’brien'
              ? `${['Eve', 'Finn'][i]} o’brien`
              : message === 'm32 8jl'
                ? `M32 9Z${'AB'[i]}`
                : message;
          await quick.post('/chat', { user_message: text, session_id: sessionId });
        }
        provider.script({ type: 'hang' }, { type: 'hang' });
        const body = { user_message: '12', session_id: sessionId };
        if (mode === 'plain') {
          const plain = await quick.post('/chat', body);
          expect(plain.status).toBe(503);
          answers.push({ event: 'error', data: plain.body });
        } else {
          const events = await (async () => {
            const response = await fetch(`${quick.url}/chat`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
              body: JSON.stringify(body),
            });
            expect(response.status).toBe(200);
            return parseEvents(await response.text());
          })();
          expect(events.map((e) => e.event)).toEqual(['understood', 'effect.started', 'error']);
          answers.push(events.at(-1) ?? { event: 'none', data: {} });
        }
      }
      expect(answers[0]).toEqual(answers[1]);
      expect(answers[0]?.data).toMatchObject({ error: { code: 'turn_timeout' } });
    } finally {
      await quick.close();
    }
  }, 20_000);

  it('abandons the turn when the client hangs up mid-stream, as with a plain call', async () => {
    const outcomes: unknown[] = [];
    for (const mode of ['stream', 'plain'] as const) {
      const [child, postcode] = mode === 'stream' ? ['Cara', 'M32 9ZZ'] : ['Dan', 'M32 9ZY'];
      const sessionId = await atTheHouse(child, postcode);
      const completed = server.logs.filter((l) => l.event === 'turn.completed').length;
      const from = server.logs.length;
      const hangUp = new AbortController();
      const response = fetch(`${server.url}/chat`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(mode === 'stream' ? { accept: 'text/event-stream' } : {}),
        },
        body: JSON.stringify({ user_message: '12', session_id: sessionId }),
        signal: hangUp.signal,
      }).then(async (r) => {
        // Streamed: wait for the lookup to start, then hang up mid-stream.
        const reader = r.body?.getReader();
        let seen = '';
        while (reader && !seen.includes('effect.started')) {
          const chunk = await reader.read();
          if (chunk.done) break;
          seen += new TextDecoder().decode(chunk.value);
        }
        hangUp.abort();
        return seen;
      });
      if (mode === 'plain') setTimeout(() => hangUp.abort(), 300);
      const seen = await response.catch(() => 'aborted');
      if (mode === 'stream') expect(seen).toContain('event: effect.started');
      // The request's line is written once the turn has given up.
      const line = await waitFor(() =>
        server.logs
          .slice(from)
          .find((l) => l.event === 'http.request' && l.data?.path === '/chat' && l.data.code),
      );
      outcomes.push(line.data?.code);
      expect(server.logs.filter((l) => l.event === 'turn.completed').length).toBe(completed);
      // Nothing was saved: the house number is asked again.
      const where = await server.post('/chat', {
        user_message: 'where am i?',
        session_id: sessionId,
      });
      expect(where.body.routine_number).toBe(13);
    }
    expect(outcomes).toEqual(['client_closed', 'client_closed']);
  }, 20_000);
});

async function waitFor<T>(find: () => T | undefined, ms = 5_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error('Timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
