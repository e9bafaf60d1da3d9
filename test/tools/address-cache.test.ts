import { afterEach, describe, expect, it } from 'vitest';
import { withAddressCache } from '../../tools/address-lookup/cache.ts';
import { createAddressSearch } from '../../tools/address-lookup/configured.ts';
import { createGoogleAddressSearch } from '../../tools/address-lookup/google.ts';
import { createIdealPostcodesAddressSearch } from '../../tools/address-lookup/ideal-postcodes.ts';
import type { KeyValueStore } from '../../tools/kv/port.ts';
import { WORLD } from '../contracts/address-search.contract.ts';
import { startGooglePlacesServer } from '../fakes/google-places-server.ts';
import { startIdealPostcodesServer } from '../fakes/ideal-postcodes-server.ts';

const KEY = 'test-key';
const TTL_MS = 60_000;

/** An in-memory KeyValueStore that records every write and can be made to fail. */
class MemoryKv implements KeyValueStore {
  readonly values = new Map<string, { value: unknown; expiresAt: number }>();
  readonly writes: { key: string; ttlMs: number | undefined }[] = [];
  failing = false;
  async get(key: string) {
    if (this.failing) throw new Error('kv down');
    const entry = this.values.get(key);
    return entry && entry.expiresAt > Date.now() ? entry.value : undefined;
  }
  async set(key: string, value: unknown, ttlMs?: number) {
    if (this.failing) throw new Error('kv down');
    this.writes.push({ key, ttlMs });
    this.values.set(key, { value: structuredClone(value), expiresAt: Date.now() + (ttlMs ?? 1e9) });
  }
  async setIfAbsent(key: string, value: unknown, ttlMs?: number) {
    const existing = await this.get(key);
    if (existing !== undefined) return { stored: false, value: existing };
    await this.set(key, value, ttlMs);
    return { stored: true, value };
  }
  async delete(key: string) {
    this.values.delete(key);
  }
  async close() {}
}

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

async function ideal() {
  const server = await startIdealPostcodesServer({ apiKey: KEY, world: WORLD });
  closers.push(server.close);
  return {
    server,
    search: createIdealPostcodesAddressSearch({ apiKey: KEY, baseUrl: server.baseUrl }),
  };
}

async function google() {
  const server = await startGooglePlacesServer({ apiKey: KEY, world: WORLD });
  closers.push(server.close);
  return { server, search: createGoogleAddressSearch({ apiKey: KEY, baseUrl: server.baseUrl }) };
}

describe('withAddressCache', () => {
  it('asks a complete provider once per postcode, for the parent and then the child', async () => {
    const { server, search } = await ideal();
    const kv = new MemoryKv();
    const logs: { event: string; data?: Record<string, unknown> }[] = [];
    const cached = withAddressCache(search, kv, TTL_MS, (event, data) =>
      logs.push({ event, ...(data ? { data } : {}) }),
    );

    expect(await cached.search({ postcode: 'M32 8JL', house: '12' })).toMatchObject({
      kind: 'found',
    });
    expect(await cached.search({ postcode: 'm328jl', house: '14' })).toMatchObject({
      kind: 'found',
      addresses: [{ houseNumber: 'Flat 2, 14' }, { houseNumber: 'Flat 3, 14' }],
    });
    expect(await cached.search({ postcode: 'M32 8JL', house: '99' })).toEqual({
      kind: 'houseNotFound',
      postcode: 'M32 8JL',
    });

    expect(server.requests).toHaveLength(1);
    expect(kv.writes).toEqual([{ key: 'address-lookup:v1:ideal-postcodes:M328JL', ttlMs: TTL_MS }]);
    expect(logs.map((log) => log.event)).toEqual([
      'address.cache.miss',
      'address.cache.hit',
      'address.cache.hit',
    ]);
    const logged = JSON.stringify(logs);
    for (const personal of ['M32', '8JL', 'Sandy', 'Flat', 'Rose'])
      expect(logged).not.toContain(personal);
  });

  it("keeps a geocoder's answers per postcode and asks again only for a house it has not seen", async () => {
    const { server, search } = await google();
    const kv = new MemoryKv();
    const cached = withAddressCache(search, kv, TTL_MS);
    for (const house of ['12', '12', '14', '12', 'Flat 3, 14']) {
      expect(await cached.search({ postcode: 'M32 8JL', house })).toMatchObject({ kind: 'found' });
    }
    expect(server.requests).toHaveLength(2);
    expect([...kv.values.keys()]).toEqual(['address-lookup:v1:google-places:M328JL']);
  });

  it('does not cache an unknown postcode', async () => {
    const { server, search } = await ideal();
    const cached = withAddressCache(search, new MemoryKv(), TTL_MS);
    for (let turn = 0; turn < 2; turn += 1) {
      expect(await cached.search({ postcode: 'M99 9ZZ', house: '1' })).toEqual({
        kind: 'postcodeUnknown',
      });
    }
    expect(server.requests).toHaveLength(2);
  });

  it('asks the provider again once the entry has expired', async () => {
    const { server, search } = await ideal();
    const cached = withAddressCache(search, new MemoryKv(), 30);
    await cached.search({ postcode: 'M32 8JL', house: '12' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    await cached.search({ postcode: 'M32 8JL', house: '12' });
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    ['fails', (kv: MemoryKv) => void (kv.failing = true)],
    [
      'holds something else',
      (kv: MemoryKv) =>
        void kv.values.set('address-lookup:v1:ideal-postcodes:M328JL', {
          value: { complete: 'yes' },
          expiresAt: Infinity,
        }),
    ],
  ])('goes to the provider when the cache %s', async (_case, spoil) => {
    const { server, search } = await ideal();
    const kv = new MemoryKv();
    spoil(kv);
    const events: string[] = [];
    const cached = withAddressCache(search, kv, TTL_MS, (event) => events.push(event));
    expect(await cached.search({ postcode: 'M32 8JL', house: '12' })).toMatchObject({
      kind: 'found',
    });
    expect(server.requests).toHaveLength(1);
    expect(events.at(-1)).toBe('address.cache.miss');
  });
});

describe('createAddressSearch', () => {
  it('uses the demo streets with no provider configured', async () => {
    const search = createAddressSearch({ provider: 'demo' }, { kv: new MemoryKv() });
    expect(search.provider).toBe('demo');
    expect(await search.search({ postcode: 'M41 0AA', house: '3' })).toMatchObject({
      kind: 'found',
    });
  });

  it('caches the configured provider when a key-value store is given', async () => {
    const server = await startIdealPostcodesServer({ apiKey: KEY, world: WORLD });
    closers.push(server.close);
    const kv = new MemoryKv();
    const search = createAddressSearch(
      { provider: 'ideal-postcodes', apiKey: KEY, baseUrl: server.baseUrl },
      { kv },
    );
    await search.search({ postcode: 'M32 8JL', house: '12' });
    await search.search({ postcode: 'M32 8JL', house: '14' });
    expect(server.requests).toHaveLength(1);
  });
});
