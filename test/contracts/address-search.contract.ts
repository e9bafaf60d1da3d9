import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ToolUnavailableError } from '../../tools/tool.ts';
import type { AddressSearch } from '../../tools/address-lookup/port.ts';
import type { PafRecord, Scripted } from '../fakes/ideal-postcodes-server.ts';

/** The delivery addresses every adapter under contract knows (through its fake, or its table). */
export const WORLD: PafRecord[] = [
  {
    postcode: 'M32 8JL',
    postTown: 'MANCHESTER',
    dependantLocality: 'Stretford',
    thoroughfare: 'Sandy Lane',
    buildingNumber: '12',
  },
  {
    postcode: 'M32 8JL',
    postTown: 'MANCHESTER',
    dependantLocality: 'Stretford',
    thoroughfare: 'Sandy Lane',
    buildingNumber: '14',
    subBuildingName: 'Flat 2',
  },
  {
    postcode: 'M32 8JL',
    postTown: 'MANCHESTER',
    dependantLocality: 'Stretford',
    thoroughfare: 'Sandy Lane',
    buildingNumber: '14',
    subBuildingName: 'Flat 3',
  },
  {
    postcode: 'M32 8JL',
    postTown: 'MANCHESTER',
    dependantLocality: 'Stretford',
    thoroughfare: 'Sandy Lane',
    buildingName: 'Rose Cottage',
  },
  {
    postcode: 'M41 0AA',
    postTown: 'MANCHESTER',
    dependantLocality: 'Urmston',
    thoroughfare: 'Moorside Road',
    buildingNumber: '3',
  },
];

type Reply = { status: number; body: unknown };

/** One adapter under contract, with its provider scripted where it has one. */
export type AddressSearchHarness = {
  search: AddressSearch;
  /** The whole-call timeout the adapter was given. */
  timeoutMs: number;
  /** The provider's side; absent for an adapter with no provider (the demo), which never fails. */
  provider?: {
    script(...steps: Scripted[]): void;
    calls(): number;
    /** The provider's own bodies for these statuses, as it documents them. */
    errors: { unauthorized: Reply; rateLimited: Reply; serverError: Reply };
  };
  close(): Promise<void>;
};

const sandy = (houseNumber: string, line1: string) => ({
  houseNumber,
  line1,
  town: 'Stretford',
  city: 'Manchester',
  postcode: 'M32 8JL',
});

const elapsed = async (run: () => Promise<unknown>) => {
  const started = performance.now();
  await run().catch(() => undefined);
  return performance.now() - started;
};

/** The behaviour every AddressSearch adapter shares (Keyv's test-suite pattern). */
export function addressSearchContract(
  name: string,
  make: () => Promise<AddressSearchHarness>,
  options: { provider: boolean },
) {
  describe(`AddressSearch contract: ${name}`, () => {
    let harness: AddressSearchHarness;
    beforeEach(async () => {
      harness = await make();
    });
    afterEach(() => harness.close());
    const search = (postcode: string, house: string, signal?: AbortSignal) =>
      harness.search.search({ postcode, house }, signal);

    it.each([
      ['a number', 'M32 8JL', '12', [sandy('12', '12 Sandy Lane')]],
      ['a postcode typed loosely', 'm328jl', 'no. 12', [sandy('12', '12 Sandy Lane')]],
      [
        'a house name',
        'M32 8JL',
        'rose cottage',
        [sandy('Rose Cottage', 'Rose Cottage, Sandy Lane')],
      ],
      ['one flat', 'M32 8JL', 'Flat 3, 14', [sandy('Flat 3, 14', 'Flat 3, 14 Sandy Lane')]],
      [
        'several flats at one number',
        'M32 8JL',
        '14',
        [
          sandy('Flat 2, 14', 'Flat 2, 14 Sandy Lane'),
          sandy('Flat 3, 14', 'Flat 3, 14 Sandy Lane'),
        ],
      ],
    ])('finds %s', async (_case, postcode, house, addresses) => {
      expect(await search(postcode, house)).toEqual({ kind: 'found', addresses });
    });

    it('says the house is not in the postcode', async () => {
      expect(await search('M32 8JL', '99')).toEqual({ kind: 'houseNotFound', postcode: 'M32 8JL' });
    });

    it('says the postcode is unknown', async () => {
      expect(await search('M99 9ZZ', '12')).toEqual({ kind: 'postcodeUnknown' });
    });

    // the demo has no provider to fail
    if (options.provider)
      describe('when the provider fails', () => {
        const provider = () => {
          if (!harness.provider) throw new Error('no provider');
          return harness.provider;
        };
        const unavailable = expect.any(ToolUnavailableError) as unknown;

        it.each(['unauthorized', 'rateLimited'] as const)(
          'throws ToolUnavailableError on %s without retrying',
          async (kind) => {
            const { status, body } = provider().errors[kind];
            provider().script({ type: 'reply', status, body });
            await expect(search('M32 8JL', '12')).rejects.toEqual(unavailable);
            expect(provider().calls()).toBe(1);
          },
        );

        it('retries a 5xx once, then throws ToolUnavailableError', async () => {
          const { status, body } = provider().errors.serverError;
          provider().script({ type: 'reply', status, body }, { type: 'reply', status, body });
          await expect(search('M32 8JL', '12')).rejects.toEqual(unavailable);
          expect(provider().calls()).toBe(2);
        });

        it('answers when the retry after a 5xx succeeds', async () => {
          const { status, body } = provider().errors.serverError;
          provider().script({ type: 'reply', status, body });
          expect(await search('M32 8JL', '12')).toMatchObject({ kind: 'found' });
        });

        it('throws ToolUnavailableError on a body that is not JSON', async () => {
          provider().script({ type: 'garbage' });
          await expect(search('M32 8JL', '12')).rejects.toEqual(unavailable);
        });

        it('throws ToolUnavailableError on a JSON body of another shape', async () => {
          provider().script({ type: 'reply', status: 200, body: { places: 'none', result: 7 } });
          await expect(search('M32 8JL', '12')).rejects.toEqual(unavailable);
        });

        it('never takes longer than its timeout when the provider hangs', async () => {
          provider().script({ type: 'hang' }, { type: 'hang' });
          const ms = await elapsed(() =>
            expect(search('M32 8JL', '12')).rejects.toEqual(unavailable),
          );
          expect(ms).toBeLessThan(harness.timeoutMs + 250);
          expect(provider().calls()).toBe(2);
        });

        it('answers a slow provider within its timeout', async () => {
          provider().script({ type: 'slow', ms: harness.timeoutMs / 4 });
          expect(await search('M32 8JL', '12')).toMatchObject({ kind: 'found' });
        });

        it('answers on the retry when the first attempt hangs', async () => {
          provider().script({ type: 'hang' });
          expect(await search('M32 8JL', '12')).toMatchObject({ kind: 'found' });
        });

        it("stops at once when the caller's signal aborts", async () => {
          provider().script({ type: 'hang' }, { type: 'hang' });
          const controller = new AbortController();
          setTimeout(() => controller.abort(new Error('hung up')), 50);
          const ms = await elapsed(() =>
            expect(search('M32 8JL', '12', controller.signal)).rejects.not.toBeInstanceOf(
              ToolUnavailableError,
            ),
          );
          expect(ms).toBeLessThan(harness.timeoutMs / 2);
          expect(provider().calls()).toBe(1);
        });
      });
  });
}
