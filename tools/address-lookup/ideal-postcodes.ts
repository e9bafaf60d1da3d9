import { z } from 'zod';
import {
  candidateSearch,
  firstLine,
  normalisePostcode,
  premiseLabel,
  titleCase,
} from './candidates.ts';
import { DEFAULT_TIMEOUT_MS, fetchJson, unavailable, type Budget } from './http.ts';
import type { Candidate, CandidateAddressSearch, PostcodeCandidates } from './port.ts';

/*
 * Ideal Postcodes, Postcode Lookup API: `GET /v1/postcodes/:postcode` returns every Royal Mail
 * (PAF) delivery address of a postcode as `{ result: [...], code: 2000, message: "Success" }`;
 * an unknown postcode is a 404 with `{ code: 4040, message: "Postcode not found" }`.
 * https://docs.ideal-postcodes.co.uk/docs/api/postcodes
 * Authentication: `Authorization: IDEALPOSTCODES api_key="…"` (kept out of the URL);
 * errors: 401 (4010 invalid key), 402 (4020 balance depleted, 4021 limit reached), and 503 when
 * the per-IP rate limit trips. https://docs.ideal-postcodes.co.uk/docs/guides/error-codes
 * Postcodes with more than 100 premises are paginated with `page` (0-based).
 */

export type IdealPostcodesConfig = Partial<Budget> & {
  apiKey: string;
  /** Default https://api.ideal-postcodes.co.uk; another host for a local test server. */
  baseUrl?: string;
};

const SERVICE = 'ideal-postcodes';
const PAGE_SIZE = 100;
/** Enough for the largest blocks of flats without spending lookups without end. */
const MAX_PAGES = 4;
const MIN_PAGE_MS = 200;

const text = z.string().default('');
/** One PAF address, as documented; fields we do not read are kept but not checked. */
const PafAddress = z.looseObject({
  postcode: z.string(),
  post_town: z.string(),
  dependant_locality: text,
  thoroughfare: text,
  dependant_thoroughfare: text,
  building_number: z.union([z.string(), z.number()]).default('').transform(String),
  building_name: text,
  sub_building_name: text,
  organisation_name: text,
});
type PafAddress = z.infer<typeof PafAddress>;

const Found = z.looseObject({ code: z.literal(2000), result: z.array(PafAddress) });
const NotFound = z.looseObject({ code: z.literal(4040) });
const ErrorBody = z.looseObject({ code: z.number() });

function candidate(paf: PafAddress): Candidate {
  const premise = {
    buildingNumber: paf.building_number,
    // a business address with no building name still needs something to pick it by
    buildingName: paf.building_name || (paf.building_number ? '' : paf.organisation_name),
    subBuilding: paf.sub_building_name,
  };
  const street = [paf.dependant_thoroughfare, paf.thoroughfare].filter(Boolean).join(', ');
  return {
    premise,
    address: {
      houseNumber: premiseLabel(premise),
      line1: firstLine(premise, street),
      town: paf.dependant_locality,
      city: titleCase(paf.post_town),
      postcode: normalisePostcode(paf.postcode),
    },
  };
}

/** The Ideal Postcodes adapter: every delivery address of the postcode, matched to the house here. */
export function createIdealPostcodesAddressSearch(
  config: IdealPostcodesConfig,
  fetchImpl: typeof fetch = fetch,
): CandidateAddressSearch {
  const base = (config.baseUrl ?? 'https://api.ideal-postcodes.co.uk').replace(/\/+$/, '');
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers = {
    accept: 'application/json',
    authorization: `IDEALPOSTCODES api_key="${config.apiKey}"`,
  };

  async function page(postcode: string, index: number, left: number, signal?: AbortSignal) {
    const url = new URL(`${base}/v1/postcodes/${encodeURIComponent(postcode)}`);
    if (index > 0) url.searchParams.set('page', String(index));
    const budget = {
      timeoutMs: left,
      attemptTimeoutMs: Math.min(config.attemptTimeoutMs ?? timeoutMs / 2, left),
    };
    const reply = await fetchJson(SERVICE, url, { headers }, budget, signal, fetchImpl);
    if (reply.status === 404 && NotFound.safeParse(reply.body).success) return null;
    if (reply.status !== 200) {
      const code = ErrorBody.safeParse(reply.body).data?.code ?? 'no code';
      throw unavailable(SERVICE, `HTTP ${reply.status} (${code})`);
    }
    const found = Found.safeParse(reply.body);
    if (!found.success) throw unavailable(SERVICE, 'unexpected response body');
    return found.data.result;
  }

  return candidateSearch(SERVICE, async ({ postcode }, signal): Promise<PostcodeCandidates> => {
    const started = Date.now();
    const compact = normalisePostcode(postcode).replace(' ', '');
    const addresses: PafAddress[] = [];
    let complete = false;
    for (let index = 0; index < MAX_PAGES && !complete; index += 1) {
      const left = timeoutMs - (Date.now() - started);
      if (index > 0 && left < MIN_PAGE_MS) break;
      let result: PafAddress[] | null;
      try {
        result = await page(compact, index, left, signal);
      } catch (error) {
        // a later page that fails still leaves the first ones usable
        if (index === 0 || signal?.aborted) throw error;
        break;
      }
      if (result === null && index === 0) return { kind: 'postcodeUnknown' };
      addresses.push(...(result ?? []));
      complete = result === null || result.length < PAGE_SIZE;
    }
    if (addresses.length === 0) return { kind: 'postcodeUnknown' };
    return { kind: 'known', complete, candidates: addresses.map(candidate) };
  });
}
