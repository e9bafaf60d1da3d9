/** An address as a lookup service returns it, already split the way the club stores it. */
export type FoundAddress = {
  houseNumber: string;
  line1: string;
  town: string;
  city: string;
  postcode: string;
};

/** What a search found for a postcode and the house the parent gave. */
export type AddressSearchResult =
  /** 1..n delivery addresses matching the house (several: Flat 2 / Flat 3, or two house names). */
  | { kind: 'found'; addresses: FoundAddress[] }
  /** The postcode exists but no address in it matches the house. */
  | { kind: 'houseNotFound'; postcode: string }
  | { kind: 'postcodeUnknown' };

/**
 * Finds the delivery addresses of a house (number, name or flat) within a UK postcode.
 * A provider that is down, refuses us or answers nonsense throws `ToolUnavailableError`.
 */
export interface AddressSearch {
  search(
    query: { postcode: string; house: string },
    signal?: AbortSignal,
  ): Promise<AddressSearchResult>;
}

/** The premise parts of a delivery address that a house is matched against (PAF names). */
export type Premise = {
  /** "12"; empty when the building has only a name. */
  buildingNumber: string;
  /** "Rose Cottage", or "12A" when the number carries a letter. */
  buildingName: string;
  /** "Flat 2". */
  subBuilding: string;
};

/** One delivery address a provider returned, before it is matched against the house. */
export type Candidate = { premise: Premise; address: FoundAddress };

/** What a provider knows about a postcode. */
export type PostcodeCandidates =
  /**
   * `complete`: every delivery address of the postcode (a PAF provider); otherwise only those the
   * provider returned for this house (a geocoder), so a house missing from them may still exist.
   */
  { kind: 'known'; complete: boolean; candidates: Candidate[] } | { kind: 'postcodeUnknown' };

/** An adapter that also exposes its raw candidates, so that they can be cached by postcode. */
export interface CandidateAddressSearch extends AddressSearch {
  /** Names the provider in cache keys and logs. */
  readonly provider: string;
  candidates(
    query: { postcode: string; house: string },
    signal?: AbortSignal,
  ): Promise<PostcodeCandidates>;
}
