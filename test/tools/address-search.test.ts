import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createDemoAddressSearch, type DemoStreet } from '../../tools/address-lookup/demo.ts';
import { createGoogleAddressSearch } from '../../tools/address-lookup/google.ts';
import { createIdealPostcodesAddressSearch } from '../../tools/address-lookup/ideal-postcodes.ts';
import { addressSearchContract, WORLD } from '../contracts/address-search.contract.ts';
import { startGooglePlacesServer } from '../fakes/google-places-server.ts';
import { startIdealPostcodesServer, type PafRecord } from '../fakes/ideal-postcodes-server.ts';

const KEY = 'test-key';
const TIMEOUT_MS = 600;

const fixture = async (path: string): Promise<unknown> =>
  JSON.parse(await readFile(new URL(`../fixtures/vendors/${path}`, import.meta.url), 'utf8'));

/** The contract's world as demo streets with their houses. */
function demoStreets(world: PafRecord[]): Record<string, DemoStreet> {
  const streets: Record<string, DemoStreet> = {};
  for (const record of world) {
    const street = (streets[record.postcode] ??= {
      street: record.thoroughfare,
      town: record.dependantLocality ?? '',
      city: 'Manchester',
      houses: [],
    });
    street.houses?.push({
      buildingNumber: record.buildingNumber ?? '',
      buildingName: record.buildingName ?? '',
      subBuilding: record.subBuildingName ?? '',
    });
  }
  return streets;
}

addressSearchContract(
  'demo',
  async () => ({
    search: createDemoAddressSearch(demoStreets(WORLD)),
    timeoutMs: TIMEOUT_MS,
    close: async () => {},
  }),
  { provider: false },
);

addressSearchContract(
  'google',
  async () => {
    const server = await startGooglePlacesServer({ apiKey: KEY, world: WORLD });
    return {
      search: createGoogleAddressSearch({
        apiKey: KEY,
        baseUrl: server.baseUrl,
        timeoutMs: TIMEOUT_MS,
      }),
      timeoutMs: TIMEOUT_MS,
      provider: {
        script: server.script,
        calls: () => server.requests.length,
        errors: {
          unauthorized: {
            status: 401,
            body: await fixture('google-places/error-unauthenticated.json'),
          },
          rateLimited: {
            status: 429,
            body: await fixture('google-places/error-resource-exhausted.json'),
          },
          serverError: { status: 503, body: await fixture('google-places/error-unavailable.json') },
        },
      },
      close: server.close,
    };
  },
  { provider: true },
);

addressSearchContract(
  'ideal-postcodes',
  async () => {
    const server = await startIdealPostcodesServer({ apiKey: KEY, world: WORLD });
    return {
      search: createIdealPostcodesAddressSearch({
        apiKey: KEY,
        baseUrl: server.baseUrl,
        timeoutMs: TIMEOUT_MS,
      }),
      timeoutMs: TIMEOUT_MS,
      provider: {
        script: server.script,
        calls: () => server.requests.length,
        errors: {
          unauthorized: { status: 401, body: await fixture('ideal-postcodes/invalid-key.json') },
          rateLimited: { status: 429, body: { code: 4290, message: 'Too Many Requests' } },
          serverError: { status: 503, body: { code: 5030, message: 'Service Unavailable' } },
        },
      },
      close: server.close,
    };
  },
  { provider: true },
);

describe('the demo search', () => {
  it.each([
    ['12', '12 Sandy Lane'],
    ['Flat 2, 12', 'Flat 2, 12 Sandy Lane'],
    ['Rose Cottage', 'Rose Cottage Sandy Lane'],
  ])('finds any house %s in a demo postcode, as the parent typed it', async (house, line1) => {
    const result = await createDemoAddressSearch().search({ postcode: 'M32 8JL', house });
    expect(result).toEqual({
      kind: 'found',
      addresses: [
        { houseNumber: house, line1, town: 'Stretford', city: 'Manchester', postcode: 'M32 8JL' },
      ],
    });
  });

  it('knows only the demo postcodes', async () => {
    const search = createDemoAddressSearch();
    expect(await search.search({ postcode: 'SW1A 2AA', house: '10' })).toEqual({
      kind: 'postcodeUnknown',
    });
  });
});
