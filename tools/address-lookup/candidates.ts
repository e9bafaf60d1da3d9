import { z } from 'zod';
import { matchHouse } from './match-house.ts';
import type {
  AddressSearchResult,
  Candidate,
  CandidateAddressSearch,
  PostcodeCandidates,
  Premise,
} from './port.ts';

/** "m328jl" or "M32  8JL" → "M32 8JL" (the inward code is always the last three characters). */
export function normalisePostcode(postcode: string): string {
  const compact = postcode.toUpperCase().replace(/\s+/g, '');
  return compact.length > 3 ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : compact;
}

/** "Flat 2, 12", "12A" or "Rose Cottage": what the club stores as the house number or name. */
export const premiseLabel = (premise: Premise) =>
  [premise.subBuilding, premise.buildingName, premise.buildingNumber]
    .map((part) => part.trim())
    .filter(Boolean)
    .join(', ');

/** "12 Sandy Lane", "Flat 2, 12 Sandy Lane", "Rose Cottage, Sandy Lane". */
export function firstLine(premise: Premise, street: string): string {
  const label = premiseLabel(premise);
  if (street === '') return label;
  if (label === '') return street;
  return /\d+[a-z]?$/i.test(label) ? `${label} ${street}` : `${label}, ${street}`;
}

const SMALL_WORDS = new Set(['on', 'upon', 'in', 'under', 'le', 'by', 'the', 'super', 'de', 'en']);

/** "STOKE-ON-TRENT" → "Stoke-on-Trent"; text already in mixed case is kept as it is. */
export function titleCase(text: string): string {
  if (text !== text.toUpperCase()) return text;
  let first = true;
  return text.toLowerCase().replace(/[a-z]+/g, (word) => {
    const keep = !first && SMALL_WORDS.has(word);
    first = false;
    return keep ? word : word[0]!.toUpperCase() + word.slice(1);
  });
}

/** The result for a house among a postcode's candidates, each address listed once. */
export function searchResult(
  query: { postcode: string; house: string },
  known: PostcodeCandidates,
): AddressSearchResult {
  if (known.kind === 'postcodeUnknown') return { kind: 'postcodeUnknown' };
  const seen = new Set<string>();
  const addresses = matchHouse(query.house, known.candidates)
    .map((candidate) => candidate.address)
    .filter((address) => {
      const key = `${address.line1}|${address.postcode}`.toLowerCase();
      return !seen.has(key) && seen.add(key);
    });
  return addresses.length > 0
    ? { kind: 'found', addresses }
    : { kind: 'houseNotFound', postcode: normalisePostcode(query.postcode) };
}

/** The stored form of candidates, checked when read back from a cache. */
export const CandidateSchema = z.object({
  premise: z.object({
    buildingNumber: z.string(),
    buildingName: z.string(),
    subBuilding: z.string(),
  }),
  address: z.object({
    houseNumber: z.string(),
    line1: z.string(),
    town: z.string(),
    city: z.string(),
    postcode: z.string(),
  }),
}) satisfies z.ZodType<Candidate>;

/** An adapter from its provider name and how it fetches a postcode's candidates. */
export function candidateSearch(
  provider: string,
  candidates: CandidateAddressSearch['candidates'],
): CandidateAddressSearch {
  return {
    provider,
    candidates,
    async search(query, signal) {
      return searchResult(query, await candidates(query, signal));
    },
  };
}
