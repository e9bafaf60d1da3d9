import { z } from 'zod';
import type { KeyValueStore } from '../kv/port.ts';
import { candidateSearch, CandidateSchema, normalisePostcode } from './candidates.ts';
import { matchHouse } from './match-house.ts';
import type { Candidate, CandidateAddressSearch, PostcodeCandidates } from './port.ts';

type Log = (event: string, data?: Record<string, unknown>) => void;

const Cached = z.object({
  complete: z.boolean(),
  candidates: z.array(CandidateSchema),
});
type Cached = z.infer<typeof Cached>;

/** The key holds the provider and the postcode only: never the house, never a name. */
const keyOf = (provider: string, postcode: string) =>
  `address-lookup:v1:${provider}:${normalisePostcode(postcode).replace(' ', '')}`;

const sameCandidate = (a: Candidate, b: Candidate) =>
  `${a.address.line1}|${a.address.postcode}`.toLowerCase() ===
  `${b.address.line1}|${b.address.postcode}`.toLowerCase();

/** The cached candidates when they answer this house; incomplete ones only when the house is there. */
const answers = (cached: Cached, house: string) =>
  cached.complete || matchHouse(house, cached.candidates).length > 0;

/**
 * Keeps each postcode's raw candidates for `ttlMs`, so that the parent and then the child at the
 * same postcode, or a corrected house number, cost one lookup. A cache that fails is skipped:
 * the lookup then goes to the provider. Unknown postcodes are not cached.
 */
export function withAddressCache(
  search: CandidateAddressSearch,
  kv: KeyValueStore,
  ttlMs: number,
  log: Log = () => {},
): CandidateAddressSearch {
  const { provider } = search;
  const failed = (operation: string) => (error: unknown) => {
    log('address.cache.failed', {
      provider,
      operation,
      error: error instanceof Error ? error.name : 'unknown',
    });
    return null;
  };

  async function read(key: string): Promise<Cached | null> {
    const stored = await kv.get(key).catch(failed('get'));
    const parsed = Cached.safeParse(stored);
    return parsed.success ? parsed.data : null;
  }

  return candidateSearch(provider, async (query, signal): Promise<PostcodeCandidates> => {
    const key = keyOf(provider, query.postcode);
    const cached = await read(key);
    if (cached !== null && answers(cached, query.house)) {
      log('address.cache.hit', { provider, candidates: cached.candidates.length });
      return { kind: 'known', ...cached };
    }
    const fresh = await search.candidates(query, signal);
    if (fresh.kind === 'known') {
      const kept = fresh.complete || cached === null ? [] : cached.candidates;
      const candidates = [
        ...kept.filter((old) => !fresh.candidates.some((found) => sameCandidate(old, found))),
        ...fresh.candidates,
      ];
      const value: Cached = { complete: fresh.complete, candidates };
      await kv.set(key, value, ttlMs).catch(failed('set'));
    }
    log('address.cache.miss', { provider });
    return fresh;
  });
}
