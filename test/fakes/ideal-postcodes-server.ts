import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One delivery address of the fake world, with Royal Mail's (PAF) parts. */
export type PafRecord = {
  postcode: string;
  postTown: string;
  thoroughfare: string;
  dependantLocality?: string;
  buildingNumber?: string;
  buildingName?: string;
  subBuildingName?: string;
};

/** What a fake does with one request instead of answering from its world. */
export type Scripted =
  /** This status and JSON body, e.g. a recorded error or a recorded success. */
  | { type: 'reply'; status: number; body: unknown }
  /** A 200 whose body is not JSON. */
  | { type: 'garbage' }
  /** Never answers: the client's timeout must end it. */
  | { type: 'hang' }
  /** Answers from the world after this long. */
  | { type: 'slow'; ms: number };

/** A request as the fake received it. */
export type Received = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
};

/** Starts a fake on 127.0.0.1 (random port) that answers from `world` unless a step is scripted. */
export async function startScriptedServer(
  world: (request: Received) => { status: number; body: unknown },
) {
  const queue: Scripted[] = [];
  const requests: Received[] = [];
  const server = createServer((req, res) => void handle(req, res));

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const received: Received = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: req.headers,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
    };
    requests.push(received);
    const step = queue.shift();
    if (step?.type === 'hang') return;
    if (step?.type === 'garbage') return send(res, 200, '<html>Service Unavailable</html>');
    if (step?.type === 'reply') return send(res, step.status, JSON.stringify(step.body));
    if (step?.type === 'slow') await new Promise((resolve) => setTimeout(resolve, step.ms));
    const answer = world(received);
    if (!res.destroyed) send(res, answer.status, JSON.stringify(answer.body));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    /** Queues steps; each is used by one request, in order, before the world answers again. */
    script(...steps: Scripted[]) {
      queue.push(...steps);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(body);
}

export type IdealPostcodesServer = Awaited<ReturnType<typeof startScriptedServer>>;

const compact = (postcode: string) => postcode.toUpperCase().replace(/\s+/g, '');
const PAGE_SIZE = 100;

/** A PAF address as the Postcode Lookup API documents it (docs.ideal-postcodes.co.uk/docs/api/postcodes). */
export function renderPaf(record: PafRecord, index: number) {
  const [outward = '', inward = ''] = record.postcode.split(' ');
  const premise = [record.subBuildingName, record.buildingName, record.buildingNumber]
    .filter(Boolean)
    .join(', ');
  const numbered = record.buildingNumber ? `${record.buildingNumber} ${record.thoroughfare}` : '';
  const named = [record.subBuildingName, record.buildingName].filter(Boolean).join(', ');
  const lines = [named, numbered || record.thoroughfare].filter(Boolean);
  return {
    postcode: record.postcode,
    postcode_inward: inward,
    postcode_outward: outward,
    post_town: record.postTown.toUpperCase(),
    dependant_locality: record.dependantLocality ?? '',
    double_dependant_locality: '',
    thoroughfare: record.thoroughfare,
    dependant_thoroughfare: '',
    building_number: record.buildingNumber ?? '',
    building_name: record.buildingName ?? '',
    sub_building_name: record.subBuildingName ?? '',
    po_box: '',
    department_name: '',
    organisation_name: '',
    udprn: 25_962_203 + index,
    umprn: '',
    postcode_type: 'S',
    su_organisation_indicator: '',
    delivery_point_suffix: '1G',
    line_1: lines[0] ?? '',
    line_2: lines[1] ?? '',
    line_3: '',
    premise,
    country: 'England',
    county: 'Greater Manchester',
    administrative_county: '',
    postal_county: '',
    traditional_county: 'Lancashire',
    district: 'Trafford',
    ward: 'Gorse Hill',
    longitude: -2.30129,
    latitude: 53.45537,
    eastings: 379_874,
    northings: 395_867,
  };
}

/**
 * A fake Ideal Postcodes API: `GET /v1/postcodes/:postcode` with the key in the Authorization
 * header (`IDEALPOSTCODES api_key="…"`) or the `api_key` query parameter; 401/4010 for another
 * key, 404/4040 for a postcode not in `world`, pages of 100 addresses.
 */
export function startIdealPostcodesServer(options: { apiKey: string; world: PafRecord[] }) {
  return startScriptedServer((request) => {
    const header = /api_key="([^"]*)"/.exec(String(request.headers.authorization ?? ''))?.[1];
    if ((header ?? request.query.get('api_key')) !== options.apiKey) {
      return { status: 401, body: { code: 4010, message: 'Invalid Key' } };
    }
    const match = /^\/v1\/postcodes\/([^/]+)$/.exec(request.path);
    if (request.method !== 'GET' || !match?.[1]) {
      return { status: 404, body: { code: 4044, message: 'Resource not found' } };
    }
    const asked = compact(match[1]);
    const all = options.world.filter((record) => compact(record.postcode) === asked);
    if (all.length === 0) {
      return { status: 404, body: { code: 4040, message: 'Postcode not found', suggestions: [] } };
    }
    const page = Number(request.query.get('page') ?? '0');
    const result = all.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE).map(renderPaf);
    return { status: 200, body: { result, code: 2000, message: 'Success' } };
  });
}
