import { candidateSearch, firstLine, normalisePostcode, premiseLabel } from './candidates.ts';
import { parseHouse } from './match-house.ts';
import type { Candidate, CandidateAddressSearch, Premise } from './port.ts';

/** A demonstration street; with `houses`, only those exist there, otherwise any house does. */
export type DemoStreet = {
  street: string;
  town: string;
  city: string;
  houses?: Partial<Premise>[];
};

/**
 * Demonstration streets for the embedded mode; any other postcode is unknown. The first four
 * accept any house; M41 9NJ has only its listed houses.
 */
export const DEMO_STREETS: Record<string, DemoStreet> = {
  'M32 8JL': { street: 'Sandy Lane', town: 'Stretford', city: 'Manchester' },
  'M41 0AA': { street: 'Moorside Road', town: 'Urmston', city: 'Manchester' },
  'M41 5AB': { street: 'Flixton Road', town: 'Flixton', city: 'Manchester' },
  'M33 7XX': { street: 'Washway Road', town: 'Sale', city: 'Manchester' },
  // Only these houses exist here: "12" lists its three flats, "99" is not in the postcode.
  'M41 9NJ': {
    street: 'Princess Road',
    town: 'Urmston',
    city: 'Manchester',
    houses: [
      { buildingNumber: '12', subBuilding: 'Flat 1' },
      { buildingNumber: '12', subBuilding: 'Flat 2' },
      { buildingNumber: '12', subBuilding: 'Flat 3' },
      { buildingNumber: '14' },
      { buildingNumber: '16' },
      { buildingName: 'Kingsley Hall', subBuilding: 'Flat 12' },
      { buildingName: 'Kingsley Hall', subBuilding: 'Flat 14' },
      { buildingName: 'Rose Cottage' },
    ],
  },
};

const premiseOf = (premise: Partial<Premise>): Premise => ({
  buildingNumber: premise.buildingNumber ?? '',
  buildingName: premise.buildingName ?? '',
  subBuilding: premise.subBuilding ?? '',
});

/** The house exactly as the parent typed it, as the one address of a street where any house exists. */
function typedHouse(house: string, postcode: string, street: DemoStreet): Candidate {
  const { number, sub, name } = parseHouse(house);
  const premise = premiseOf({
    ...(number === null
      ? {}
      : /^\d+$/.test(number)
        ? { buildingNumber: number }
        : { buildingName: number }),
    ...(sub === null ? {} : { subBuilding: `Flat ${sub}` }),
    ...(number === null && name !== null ? { buildingName: name } : {}),
  });
  const typed = house.trim();
  return {
    premise,
    address: {
      houseNumber: typed,
      line1: `${typed} ${street.street}`,
      town: street.town,
      city: street.city,
      postcode,
    },
  };
}

/** The offline search used with no address provider configured: a few demonstration streets. */
export function createDemoAddressSearch(
  streets: Record<string, DemoStreet> = DEMO_STREETS,
): CandidateAddressSearch {
  return candidateSearch('demo', async ({ postcode, house }) => {
    const asked = normalisePostcode(postcode);
    const street = streets[asked];
    if (!street) return { kind: 'postcodeUnknown' };
    if (!street.houses) {
      return { kind: 'known', complete: false, candidates: [typedHouse(house, asked, street)] };
    }
    const candidates = street.houses.map(premiseOf).map((premise) => ({
      premise,
      address: {
        houseNumber: premiseLabel(premise),
        line1: firstLine(premise, street.street),
        town: street.town,
        city: street.city,
        postcode: asked,
      },
    }));
    return { kind: 'known', complete: true, candidates };
  });
}
