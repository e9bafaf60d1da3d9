import { startScriptedServer, type PafRecord, type Received } from './ideal-postcodes-server.ts';

export type { Scripted } from './ideal-postcodes-server.ts';

export type GooglePlacesServer = Awaited<ReturnType<typeof startScriptedServer>>;

const POSTCODE = /\b([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})\b/i;
const compact = (postcode: string) => postcode.toUpperCase().replace(/\s+/g, '');
const title = (text: string) =>
  text.toLowerCase().replace(/\b[a-z]/g, (letter) => letter.toUpperCase());

/** A Google error body: `{ error: { code, message, status } }` (google.rpc.Status). */
export const googleError = (code: number, status: string, message: string) => ({
  error: { code, message, status },
});

const component = (longText: string, types: string[], shortText = longText) => ({
  longText,
  shortText,
  types,
  languageCode: 'en',
});

/** A place for a delivery address, shaped like Places API (New): addressComponents and all. */
export function renderPlace(record: PafRecord, id: string) {
  const town = title(record.postTown);
  const premise = [record.subBuildingName, record.buildingName].filter(Boolean).join(', ');
  const street = [record.buildingNumber, record.thoroughfare].filter(Boolean).join(' ');
  const components = [
    record.subBuildingName ? component(record.subBuildingName, ['subpremise']) : null,
    record.buildingName ? component(record.buildingName, ['premise']) : null,
    record.buildingNumber ? component(record.buildingNumber, ['street_number']) : null,
    component(record.thoroughfare, ['route'], record.thoroughfare.replace(/ Lane$/, ' Ln')),
    component(record.dependantLocality ?? town, ['locality', 'political']),
    component(town, ['postal_town']),
    component('Greater Manchester', ['administrative_area_level_2', 'political']),
    component('England', ['administrative_area_level_1', 'political'], 'England'),
    component('United Kingdom', ['country', 'political'], 'GB'),
    component(record.postcode, ['postal_code']),
  ].filter((part) => part !== null);
  return {
    id,
    types: record.buildingNumber ? ['street_address'] : ['premise'],
    formattedAddress: `${[premise, street].filter(Boolean).join(', ')}, ${town} ${record.postcode}, UK`,
    addressComponents: components,
    displayName: { text: [premise, street].filter(Boolean).join(', '), languageCode: 'en' },
  };
}

/** The postcode itself as a place: Google's answer when it knows the postcode but not the house. */
const postcodePlace = (postcode: string, postTown: string) => ({
  id: `postcode-${compact(postcode)}`,
  types: ['postal_code'],
  formattedAddress: `${title(postTown)} ${postcode}, UK`,
  addressComponents: [
    component(postcode, ['postal_code']),
    component(title(postTown), ['postal_town']),
    component('United Kingdom', ['country', 'political'], 'GB'),
  ],
  displayName: { text: postcode, languageCode: 'en' },
});

/** Google's nearest guess for a postcode it does not know: a town, with no postcode. */
const guessPlace = {
  id: 'guess-manchester',
  types: ['locality', 'political'],
  formattedAddress: 'Manchester, UK',
  addressComponents: [
    component('Manchester', ['locality', 'political']),
    component('United Kingdom', ['country', 'political'], 'GB'),
  ],
  displayName: { text: 'Manchester', languageCode: 'en' },
};

/** Only the fields the request's X-Goog-FieldMask asked for, as the API does. */
function masked(place: Record<string, unknown>, mask: string) {
  const fields = mask.split(',').map((field) => field.trim().replace(/^places\./, ''));
  if (fields.includes('*')) return place;
  return Object.fromEntries(Object.entries(place).filter(([key]) => fields.includes(key)));
}

/** A rough geocoder: the addresses of the postcode whose number or name is in the query. */
function geocode(world: PafRecord[], textQuery: string) {
  const postcode = POSTCODE.exec(textQuery);
  if (!postcode) return [guessPlace];
  const asked = compact(`${postcode[1]}${postcode[2]}`);
  const inPostcode = world.filter((record) => compact(record.postcode) === asked);
  const first = inPostcode[0];
  if (!first) return [guessPlace];
  const words = ` ${textQuery
    .replace(postcode[0], ' ')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')} `;
  const found = inPostcode.filter(
    (record) =>
      (record.buildingNumber && words.includes(` ${record.buildingNumber.toLowerCase()} `)) ||
      (record.buildingName && words.includes(` ${record.buildingName.toLowerCase()} `)),
  );
  if (found.length === 0) return [postcodePlace(first.postcode, first.postTown)];
  // a neighbour across the postcode boundary, as Google returns: the adapter must drop it
  const neighbour = { ...first, postcode: `${first.postcode.slice(0, -2)}ZZ` };
  return [
    ...found.map((record, index) => renderPlace(record, `place-${index}`)),
    renderPlace(neighbour, 'neighbour'),
  ];
}

/**
 * A fake Places API (New): `POST /v1/places:searchText` with `X-Goog-Api-Key` and a required
 * `X-Goog-FieldMask`; 403 without a key, 400 API_KEY_INVALID with another, `{}` when nothing matches.
 */
export function startGooglePlacesServer(options: { apiKey: string; world: PafRecord[] }) {
  return startScriptedServer((request: Received) => {
    const key = request.headers['x-goog-api-key'];
    if (key === undefined) {
      return {
        status: 403,
        body: googleError(403, 'PERMISSION_DENIED', 'The request is missing a valid API key.'),
      };
    }
    if (key !== options.apiKey) {
      return {
        status: 400,
        body: googleError(
          400,
          'INVALID_ARGUMENT',
          'API key not valid. Please pass a valid API key.',
        ),
      };
    }
    if (request.method !== 'POST' || request.path !== '/v1/places:searchText') {
      return { status: 404, body: googleError(404, 'NOT_FOUND', 'Method not found.') };
    }
    const mask = request.headers['x-goog-fieldmask'];
    const body = request.body as { textQuery?: unknown } | undefined;
    if (typeof mask !== 'string' || mask === '') {
      return {
        status: 400,
        body: googleError(400, 'INVALID_ARGUMENT', 'FieldMask is a required parameter.'),
      };
    }
    if (typeof body?.textQuery !== 'string' || body.textQuery === '') {
      return { status: 400, body: googleError(400, 'INVALID_ARGUMENT', 'Empty text_query.') };
    }
    const places = geocode(options.world, body.textQuery).map((place) => masked(place, mask));
    return { status: 200, body: places.length > 0 ? { places } : {} };
  });
}
