import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORLD } from '../contracts/address-search.contract.ts';
import {
  startIdealPostcodesServer,
  type IdealPostcodesServer,
} from '../fakes/ideal-postcodes-server.ts';
import { PERSONAL_DATA, REGISTRATION, startTestServer, type TestServer } from './support.ts';

const KEY = 'ak_test_0123456789';
/** The adapters' default budget for one lookup, retry included (tools/address-lookup/http.ts). */
const DEFAULT_TIMEOUT_MS = 3_000;

/** The registration's messages up to the postcode (routine 12 answered, 13 on screen). */
const TO_THE_POSTCODE = REGISTRATION.slice(
  0,
  REGISTRATION.findIndex(([, after]) => after === 13),
);

describe('the address lookup wired from ADDRESS_LOOKUP_* (Ideal Postcodes fake)', () => {
  let provider: IdealPostcodesServer;
  let server: TestServer;

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

  const children = ['Ava', 'Ben', 'Cara', 'Dan', 'Eve'];

  /**
   * A new chat (for another child each time: one registration per child) taken to routine 12,
   * then `postcode` and `house`: the reply to the house.
   */
  async function lookUp(postcode: string, house: string) {
    let sessionId: string | undefined;
    const child = `${children.shift() ?? 'Finn'} o’brien`;
    for (const [message] of TO_THE_POSTCODE) {
      const text = message === 'leo o’brien' ? child : message;
      const { body } = await server.post('/chat', { user_message: text, session_id: sessionId });
      sessionId = String(body.session_id);
    }
    const asked = await server.post('/chat', { user_message: postcode, session_id: sessionId });
    expect(asked.body.routine_number).toBe(13);
    const started = performance.now();
    const { body } = await server.post('/chat', { user_message: house, session_id: sessionId });
    return { body, sessionId, took: performance.now() - started };
  }

  it('offers the flats of a house as a list, and a pick goes to the confirmation', async () => {
    const { body, sessionId } = await lookUp('m32 8jl', '14');
    expect(body.routine_number).toBe(13);
    expect(body.response).toMatch(/1\. Flat 2, 14 Sandy Lane[^\n]*\n2\. Flat 3, 14 Sandy Lane/);
    const picked = await server.post('/chat', { user_message: '2', session_id: sessionId });
    expect(picked.body.routine_number).toBe(15);
    expect(picked.body.response).toContain('Flat 3, 14 Sandy Lane, Stretford, Manchester, M32 8JL');
  });

  it('asks the provider once per postcode: the next family there is served from Redis', async () => {
    const before = provider.requests.length;
    const first = await lookUp('M41 0AA', '3');
    const second = await lookUp('m41 0aa', '99');
    expect([first.body.routine_number, second.body.routine_number]).toEqual([15, 13]);
    expect(provider.requests.length - before).toBe(1);
  });

  it('asks about a house that is not in the postcode', async () => {
    const { body } = await lookUp('M41 0AA', '99');
    expect(body.routine_number).toBe(13);
    expect(body.response).toContain("I couldn't find number 99 in M41 0AA");
  });

  it('lets the parent type the address, within the timeout, when the provider hangs', async () => {
    provider.script({ type: 'hang' }, { type: 'hang' });
    const { body, took, sessionId } = await lookUp('M32 9ZZ', '12');
    expect(body.routine_number).toBe(14);
    expect(body.response).toMatch(/Please type your full address/);
    expect(took).toBeLessThan(DEFAULT_TIMEOUT_MS + 1_000);
    const typed = await server.post('/chat', {
      user_message: '12 Acacia Avenue, Stretford, Manchester, M32 9ZZ',
      session_id: sessionId,
    });
    expect(typed.body.routine_number).toBe(15);
  });

  it('logs no address, postcode or house', () => {
    const logged = JSON.stringify(server.logs);
    for (const value of [...PERSONAL_DATA, 'M32 9ZZ', 'M41 0AA', 'Rose Cottage', 'Flat 3']) {
      expect(logged).not.toContain(value);
    }
  });
});
