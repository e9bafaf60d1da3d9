import { z } from 'zod';
import { candidateSearch, firstLine, normalisePostcode, premiseLabel } from './candidates.ts';
import { DEFAULT_TIMEOUT_MS, fetchJson, unavailable, type Budget } from './http.ts';
import type { Candidate, CandidateAddressSearch, PostcodeCandidates } from './port.ts';

/*
 * Google Places API (New), Text Search: `POST /v1/places:searchText` with `X-Goog-Api-Key` and a
 * required `X-Goog-FieldMask`; the body is `{ textQuery, regionCode, languageCode, locationBias }`
 * and the answer `{ places: [{ formattedAddress, addressComponents: [{ longText, shortText,
 * types }] }] }`, or `{}` when nothing matches. Errors come as `{ error: { code, message, status } }`.
 * https://developers.google.com/maps/documentation/places/web-service/text-search
 * https://developers.google.com/maps/documentation/places/web-service/reference/rest/v1/places/searchText
 * `includedType` is not sent: it accepts only the place types of Table A, and the address types
 * (street_address, premise, subpremise) are Table B types that are returned, not filtered on.
 * https://developers.google.com/maps/documentation/places/web-service/place-types
 */

export type GooglePlacesConfig = Partial<Budget> & {
  apiKey: string;
  /** Default https://places.googleapis.com; another host for a local test server. */
  baseUrl?: string;
  /** Prefers results near the club, e.g. a 30 km circle around the ground (radius ≤ 50 000 m). */
  locationBias?: { latitude: number; longitude: number; radiusMeters: number };
};

const SERVICE = 'google-places';
const FIELD_MASK = 'places.formattedAddress,places.addressComponents';

const Component = z.looseObject({
  longText: z.string().default(''),
  shortText: z.string().default(''),
  types: z.array(z.string()).default([]),
});
const Place = z.looseObject({ addressComponents: z.array(Component).default([]) });
const Reply = z.looseObject({ places: z.array(Place).default([]) });
type Place = z.infer<typeof Place>;

const part = (place: Place, type: string) =>
  place.addressComponents.find((component) => component.types.includes(type))?.longText ?? '';

function candidate(place: Place): Candidate {
  const premise = {
    buildingNumber: part(place, 'street_number'),
    buildingName: part(place, 'premise'),
    subBuilding: part(place, 'subpremise'),
  };
  const locality = part(place, 'locality');
  const city = part(place, 'postal_town') || locality || part(place, 'administrative_area_level_2');
  return {
    premise,
    address: {
      houseNumber: premiseLabel(premise),
      line1: firstLine(premise, part(place, 'route')),
      town: locality === city ? '' : locality,
      city,
      postcode: normalisePostcode(part(place, 'postal_code')),
    },
  };
}

/**
 * The Google Places adapter: searches the house within the postcode and keeps only results in that
 * postcode. Google may return a house the postcode does not have (it interpolates numbers along a
 * street), so a postcode-address provider is the better choice where there is one.
 */
export function createGoogleAddressSearch(
  config: GooglePlacesConfig,
  fetchImpl: typeof fetch = fetch,
): CandidateAddressSearch {
  const url = new URL(
    `${(config.baseUrl ?? 'https://places.googleapis.com').replace(/\/+$/, '')}/v1/places:searchText`,
  );
  const budget = {
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(config.attemptTimeoutMs === undefined ? {} : { attemptTimeoutMs: config.attemptTimeoutMs }),
  };
  const bias = config.locationBias;
  const locationBias = bias && {
    circle: {
      center: { latitude: bias.latitude, longitude: bias.longitude },
      radius: bias.radiusMeters,
    },
  };

  return candidateSearch(
    SERVICE,
    async ({ postcode, house }, signal): Promise<PostcodeCandidates> => {
      const asked = normalisePostcode(postcode);
      const init = {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-goog-api-key': config.apiKey,
          'x-goog-fieldmask': FIELD_MASK,
        },
        body: JSON.stringify({
          textQuery: `${house.trim()}, ${asked}`,
          regionCode: 'GB',
          languageCode: 'en',
          ...(locationBias ? { locationBias } : {}),
        }),
      };
      const reply = await fetchJson(SERVICE, url, init, budget, signal, fetchImpl);
      if (reply.status !== 200) throw unavailable(SERVICE, `HTTP ${reply.status}`);
      const parsed = Reply.safeParse(reply.body);
      if (!parsed.success) throw unavailable(SERVICE, 'unexpected response body');
      // a result outside the postcode is Google's nearest guess, never the parent's house
      const inPostcode = parsed.data.places.filter(
        (place) => normalisePostcode(part(place, 'postal_code')) === asked,
      );
      if (inPostcode.length === 0) return { kind: 'postcodeUnknown' };
      const candidates = inPostcode
        .map(candidate)
        .filter(
          ({ premise }) => premise.buildingNumber || premise.buildingName || premise.subBuilding,
        );
      return { kind: 'known', complete: false, candidates };
    },
  );
}
