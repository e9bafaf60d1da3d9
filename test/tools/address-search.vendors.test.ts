import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createGoogleAddressSearch } from '../../tools/address-lookup/google.ts';
import { createIdealPostcodesAddressSearch } from '../../tools/address-lookup/ideal-postcodes.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';
import { WORLD } from '../contracts/address-search.contract.ts';
import { startGooglePlacesServer } from '../fakes/google-places-server.ts';
import { startIdealPostcodesServer, type PafRecord } from '../fakes/ideal-postcodes-server.ts';

const KEY = 'test-key';
const TIMEOUT_MS = 600;

/** A documented vendor body from test/fixtures/vendors/. */
const fixture = async (path: string): Promise<unknown> =>
  JSON.parse(await readFile(new URL(`../fixtures/vendors/${path}`, import.meta.url), 'utf8'));

describe('the Google Places adapter', () => {
  let close = async () => {};
  afterEach(() => close());

  const start = async (
    config: {
      apiKey?: string;
      locationBias?: { latitude: number; longitude: number; radiusMeters: number };
    } = {},
  ) => {
    const server = await startGooglePlacesServer({ apiKey: KEY, world: WORLD });
    close = server.close;
    const search = createGoogleAddressSearch({
      apiKey: config.apiKey ?? KEY,
      baseUrl: server.baseUrl,
      timeoutMs: TIMEOUT_MS,
      ...(config.locationBias ? { locationBias: config.locationBias } : {}),
    });
    return { server, search };
  };

  it('sends the documented Text Search request: key, field mask, text, region GB', async () => {
    const { server, search } = await start({
      locationBias: { latitude: 53.45, longitude: -2.3, radiusMeters: 30_000 },
    });
    await search.search({ postcode: 'm32 8jl', house: ' 12 ' });
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/places:searchText');
    expect(request?.headers['x-goog-api-key']).toBe(KEY);
    expect(request?.headers['x-goog-fieldmask']).toBe(
      'places.formattedAddress,places.addressComponents',
    );
    expect(request?.body).toEqual({
      textQuery: '12, M32 8JL',
      regionCode: 'GB',
      languageCode: 'en',
      locationBias: { circle: { center: { latitude: 53.45, longitude: -2.3 }, radius: 30_000 } },
    });
  });

  it('reads a recorded answer, keeping only the result in the postcode asked', async () => {
    const { server, search } = await start();
    server.script({
      type: 'reply',
      status: 200,
      body: await fixture('google-places/search-text-found.json'),
    });
    expect(await search.search({ postcode: 'M32 8JL', house: '12' })).toEqual({
      kind: 'found',
      addresses: [
        {
          houseNumber: '12',
          line1: '12 Sandy Lane',
          town: 'Stretford',
          city: 'Manchester',
          postcode: 'M32 8JL',
        },
      ],
    });
  });

  it('reads an empty answer as an unknown postcode', async () => {
    const { server, search } = await start();
    server.script({
      type: 'reply',
      status: 200,
      body: await fixture('google-places/search-text-empty.json'),
    });
    expect(await search.search({ postcode: 'M32 8JL', house: '12' })).toEqual({
      kind: 'postcodeUnknown',
    });
  });

  it.each([
    ['a key Google does not know', 400, 'google-places/error-api-key-invalid.json'],
    ['the API not enabled', 403, 'google-places/error-permission-denied.json'],
  ])('throws ToolUnavailableError for %s', async (_case, status, path) => {
    const { server, search } = await start();
    server.script({ type: 'reply', status, body: await fixture(path) });
    await expect(search.search({ postcode: 'M32 8JL', house: '12' })).rejects.toBeInstanceOf(
      ToolUnavailableError,
    );
  });

  it('is refused by the fake with a wrong key, as by Google', async () => {
    const { search } = await start({ apiKey: 'wrong' });
    await expect(search.search({ postcode: 'M32 8JL', house: '12' })).rejects.toBeInstanceOf(
      ToolUnavailableError,
    );
  });
});

describe('the Ideal Postcodes adapter', () => {
  let close = async () => {};
  afterEach(() => close());

  const start = async (world: PafRecord[] = WORLD, apiKey = KEY) => {
    const server = await startIdealPostcodesServer({ apiKey: KEY, world });
    close = server.close;
    return {
      server,
      search: createIdealPostcodesAddressSearch({
        apiKey,
        baseUrl: `${server.baseUrl}/`,
        timeoutMs: TIMEOUT_MS,
      }),
    };
  };

  it('sends the documented request: the postcode in the path, the key in the Authorization header', async () => {
    const { server, search } = await start();
    await search.search({ postcode: 'm32 8jl', house: '12' });
    const [request] = server.requests;
    expect(request?.method).toBe('GET');
    expect(request?.path).toBe('/v1/postcodes/M328JL');
    expect(request?.headers.authorization).toBe(`IDEALPOSTCODES api_key="${KEY}"`);
    expect(request?.query.has('api_key')).toBe(false);
  });

  it('reads the documented answer for the test postcode ID1 1QD', async () => {
    const { server, search } = await start();
    const body = await fixture('ideal-postcodes/postcode-found.json');
    server.script({ type: 'reply', status: 200, body }, { type: 'reply', status: 200, body });
    const london = { town: '', city: 'London', postcode: 'ID1 1QD' };
    expect(await search.search({ postcode: 'ID11QD', house: '2' })).toEqual({
      kind: 'found',
      addresses: [{ houseNumber: '2', line1: '2 Barons Court Road', ...london }],
    });
    expect(await search.search({ postcode: 'ID1 1QD', house: '4' })).toEqual({
      kind: 'found',
      addresses: [
        { houseNumber: 'Basement Flat, 4', line1: 'Basement Flat, 4 Barons Court Road', ...london },
        { houseNumber: 'Flat A, 4', line1: 'Flat A, 4 Barons Court Road', ...london },
      ],
    });
  });

  it.each([
    [
      'an unknown postcode',
      404,
      'ideal-postcodes/postcode-not-found.json',
      { kind: 'postcodeUnknown' },
    ],
  ])('reads %s', async (_case, status, path, expected) => {
    const { server, search } = await start();
    server.script({ type: 'reply', status, body: await fixture(path) });
    expect(await search.search({ postcode: 'ID1 KFA', house: '2' })).toEqual(expected);
  });

  it.each([
    ['a depleted balance', 402, 'ideal-postcodes/balance-depleted.json'],
    ['a lookup limit reached', 402, 'ideal-postcodes/limit-reached.json'],
    ['a 404 that is not "postcode not found"', 404, 'ideal-postcodes/invalid-key.json'],
  ])('throws ToolUnavailableError for %s', async (_case, status, path) => {
    const { server, search } = await start();
    server.script({ type: 'reply', status, body: await fixture(path) });
    await expect(search.search({ postcode: 'M32 8JL', house: '12' })).rejects.toBeInstanceOf(
      ToolUnavailableError,
    );
  });

  it('is refused by the fake with a wrong key', async () => {
    const { search } = await start(WORLD, 'wrong');
    await expect(search.search({ postcode: 'M32 8JL', house: '12' })).rejects.toBeInstanceOf(
      ToolUnavailableError,
    );
  });

  it('reads every page of a postcode with more than 100 premises', async () => {
    const block = Array.from({ length: 150 }, (_, index): PafRecord => ({
      postcode: 'M1 1AA',
      postTown: 'MANCHESTER',
      thoroughfare: 'Piccadilly',
      buildingName: 'Tower House',
      subBuildingName: `Flat ${index + 1}`,
    }));
    const { server, search } = await start(block);
    expect(
      await search.search({ postcode: 'M1 1AA', house: 'Flat 142, Tower House' }),
    ).toMatchObject({
      kind: 'found',
      addresses: [
        { houseNumber: 'Flat 142, Tower House', line1: 'Flat 142, Tower House, Piccadilly' },
      ],
    });
    expect(server.requests.map((request) => request.query.get('page'))).toEqual([null, '1']);
  });
});

// Manually triggered against the real services (never in CI, which has no network):
// CONTRACT_LIVE=1 ADDRESS_LOOKUP_PROVIDER=… ADDRESS_LOOKUP_API_KEY=… npx vitest run test/tools/address-search.vendors.test.ts
const live = process.env.CONTRACT_LIVE === '1' ? process.env.ADDRESS_LOOKUP_PROVIDER : undefined;
const liveKey = process.env.ADDRESS_LOOKUP_API_KEY ?? '';

describe.runIf(live === 'ideal-postcodes')('Ideal Postcodes, live', () => {
  // ID1 1QD and ID1 KFA are the documented test postcodes: they cost no lookups
  const search = createIdealPostcodesAddressSearch({ apiKey: liveKey });

  it('finds 2 Barons Court Road in the test postcode', async () => {
    expect(await search.search({ postcode: 'ID1 1QD', house: '2' })).toMatchObject({
      kind: 'found',
      addresses: [{ line1: '2 Barons Court Road' }],
    });
  });

  it('says the test postcode ID1 KFA is unknown', async () => {
    expect(await search.search({ postcode: 'ID1 KFA', house: '2' })).toEqual({
      kind: 'postcodeUnknown',
    });
  });
});

describe.runIf(live === 'google')('Google Places, live', () => {
  const search = createGoogleAddressSearch({ apiKey: liveKey });

  it('finds 10 Downing Street in SW1A 2AA', async () => {
    expect(await search.search({ postcode: 'SW1A 2AA', house: '10' })).toMatchObject({
      kind: 'found',
      addresses: [{ line1: '10 Downing Street', postcode: 'SW1A 2AA' }],
    });
  });
});
