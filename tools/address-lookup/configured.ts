import type { KeyValueStore } from '../kv/port.ts';
import { withAddressCache } from './cache.ts';
import { createDemoAddressSearch } from './demo.ts';
import { createGoogleAddressSearch, type GooglePlacesConfig } from './google.ts';
import { createIdealPostcodesAddressSearch, type IdealPostcodesConfig } from './ideal-postcodes.ts';
import type { CandidateAddressSearch } from './port.ts';

/** ADDRESS_LOOKUP_PROVIDER and its settings, as server/config.ts parses them. */
export type AddressProviderConfig =
  | { provider: 'demo' }
  | ({ provider: 'google' } & GooglePlacesConfig)
  | ({ provider: 'ideal-postcodes' } & IdealPostcodesConfig);

/** Ten minutes: long enough for the parent and then the child, short enough to hold no history. */
export const DEFAULT_CACHE_TTL_MS = 10 * 60_000;

/** The configured provider, cached by postcode when a key-value store is given. */
export function createAddressSearch(
  config: AddressProviderConfig,
  deps: {
    kv?: KeyValueStore;
    cacheTtlMs?: number;
    log?: (event: string, data?: Record<string, unknown>) => void;
    fetch?: typeof fetch;
  } = {},
): CandidateAddressSearch {
  const fetchImpl = deps.fetch ?? fetch;
  const search =
    config.provider === 'google'
      ? createGoogleAddressSearch(config, fetchImpl)
      : config.provider === 'ideal-postcodes'
        ? createIdealPostcodesAddressSearch(config, fetchImpl)
        : createDemoAddressSearch();
  if (!deps.kv || config.provider === 'demo') return search;
  return withAddressCache(search, deps.kv, deps.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS, deps.log);
}
