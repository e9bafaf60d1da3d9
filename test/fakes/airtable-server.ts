import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------------------------
// The club's tables (reference facts §7): names, types and the fixed single-select options.

export type FieldSpec =
  | { type: 'text' | 'email' | 'url' | 'number' | 'dateTime' | 'date' }
  | { type: 'select'; options: readonly string[] }
  | { type: 'computed'; value: (record: StoredRecord) => CellValue };

const YN = { type: 'select', options: ['Y', 'N'] } as const;
const TEXT = { type: 'text' } as const;
const NUMBER = { type: 'number' } as const;
const select = (...options: string[]): FieldSpec => ({ type: 'select', options });
const computed = (value: (record: StoredRecord) => CellValue): FieldSpec => ({
  type: 'computed',
  value,
});
const str = (value: CellValue | undefined) =>
  value === undefined || value === null ? '' : String(value);
const MONTHS = ['sep', 'oct', 'nov', 'dec', 'jan', 'feb', 'mar', 'apr', 'may'];
const text = (...names: string[]) => Object.fromEntries(names.map((name) => [name, TEXT]));
const address = (who: 'player' | 'parent') =>
  text(
    ...['full_address', 'house_number', 'address_line_1', 'town', 'city', 'post_code'].map(
      (part) => `${who}_${part}`,
    ),
  );

/** `registrations_<season>` exactly as facts §7.2 lists it. */
export const REGISTRATION_TABLE: Record<string, FieldSpec> = {
  record_id: computed((record) => record.id),
  last_modified: computed((record) => record.modifiedTime),
  created: computed((record) => record.createdTime),
  ...text('player_first_name', 'player_last_name', 'player_dob', 'player_gender', 'age_group'),
  ...text('team', 'player_has_any_medical_issues', 'description_of_player_medical_issues'),
  ...text('played_for_urmston_town_last_season', 'previous_team_name', 'player_telephone'),
  player_full_name: computed(
    (r) => `${str(r.fields.player_first_name)} ${str(r.fields.player_last_name)}`,
  ),
  played_elsewhere_last_season: YN,
  player_email: { type: 'email' },
  ...address('player'),
  ...text('parent_first_name', 'parent_last_name', 'parent_relationship_to_player'),
  ...text('registree_role', 'parent_telephone', 'parent_dob'),
  parent_full_name: computed(
    (r) => `${str(r.fields.parent_first_name)} ${str(r.fields.parent_last_name)}`,
  ),
  parent_email: { type: 'email' },
  communication_consent: YN,
  ...address('parent'),
  ...text('registration_code', 'season', 'original_registration_code'),
  registration_type: select('100', '200'),
  registration_status: select('pending_payment', 'active', 'suspended', 'incomplete'),
  initial_db_write_timestamp: { type: 'dateTime' },
  payment_follow_up_count: NUMBER,
  billing_request_id: TEXT,
  preferred_payment_day: NUMBER,
  signing_on_fee_amount: NUMBER,
  monthly_subscription_amount: NUMBER,
  signing_on_fee_paid: YN,
  mandate_authorised: YN,
  subscription_activated: YN,
  ...text('ongoing_subscription_id', 'interim_subscription_id'),
  subscription_start_date: { type: 'date' },
  ...text('subscription_status', 'subscription_error'),
  ...text(...MONTHS.map((month) => `${month}_subscription_payment_status`)),
  ...Object.fromEntries(
    MONTHS.map((month) => [
      `subscription_paid_${month}`,
      computed((r) =>
        r.fields[`${month}_subscription_payment_status`] === 'confirmed' ? 'Y' : 'N',
      ),
    ]),
  ),
  new_kit_required: YN,
  kit_type_required: select('Goalkeeper', 'Outfield'),
  kit_size: select('5/6', '7/8', '9/10', '11/12', '13/14', 'S', 'M', 'L', 'XL', '2XL', '3XL'),
  shirt_number: select(...Array.from({ length: 25 }, (_, i) => String(i + 1))),
  id_image_link: { type: 'url' },
  id_photo_required: YN,
  id_photo_provided: computed((r) => (r.fields.id_image_link ? 'Y' : 'N')),
  sms_sent_at: { type: 'dateTime' },
  sms_delivery_status: select('pending', 'sent', 'delivered', 'failed', 'undelivered'),
  ...text('sms_delivery_error', 'conversation_history'),
};

/** `team_info` as facts §7.1 lists it. */
export const TEAM_INFO_TABLE: Record<string, FieldSpec> = {
  ...text('short_team_name', 'age_group', 'current_season'),
  need_new_kit_current_season: YN,
};

// ---------------------------------------------------------------------------------------------
// Formulas: a small real parser and evaluator for what `filterByFormula` is sent.

export type CellValue = string | number | boolean | null;
type Node =
  | { kind: 'literal'; value: CellValue }
  | { kind: 'field'; name: string }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'binary'; op: string; left: Node; right: Node }
  | { kind: 'negate'; operand: Node };
type Token = { kind: 'string' | 'number' | 'field' | 'name' | 'op'; text: string };

/** A formula Airtable would refuse (422 `INVALID_FILTER_BY_FORMULA`). */
export class FormulaError extends Error {}

const ESCAPED: Record<string, string> = { n: '\n', r: '\r', t: '\t' };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source.charAt(i);
    if (/\s/.test(char)) i += 1;
    else if (char === '"' || char === "'") {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= source.length) throw new FormulaError('unterminated string');
        const next = source.charAt(i);
        if (next === char) break;
        if (next === '\\') {
          const escaped = source.charAt(i + 1);
          value += ESCAPED[escaped] ?? escaped;
          i += 2;
        } else {
          value += next;
          i += 1;
        }
      }
      i += 1;
      tokens.push({ kind: 'string', text: value });
    } else if (char === '{') {
      const end = source.indexOf('}', i);
      if (end < 0) throw new FormulaError('unterminated field reference');
      tokens.push({ kind: 'field', text: source.slice(i + 1, end) });
      i = end + 1;
    } else {
      const match = /^(\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|!=|<=|>=|[=<>&+\-*/(),])/.exec(
        source.slice(i),
      );
      if (!match?.[0]) throw new FormulaError(`unexpected character ${char}`);
      const word = match[0];
      const kind = /^\d/.test(word) ? 'number' : /^[A-Za-z_]/.test(word) ? 'name' : 'op';
      tokens.push({ kind, text: word });
      i += word.length;
    }
  }
  return tokens;
}

const LEVELS = [['=', '!=', '<', '>', '<=', '>='], ['&'], ['+', '-'], ['*', '/']];

/** Parses an Airtable formula; throws `FormulaError` for anything Airtable would not accept. */
export function parseFormula(source: string): Node {
  const tokens = tokenize(source);
  let at = 0;
  const peek = () => tokens[at];
  const take = (text?: string) => {
    const token = tokens[at];
    if (!token || (text !== undefined && token.text !== text)) {
      throw new FormulaError(`expected ${text ?? 'more'} at token ${at}`);
    }
    at += 1;
    return token;
  };
  const binary = (level: number): Node => {
    if (level === LEVELS.length) return unary();
    let left = binary(level + 1);
    for (;;) {
      const token = peek();
      if (token?.kind !== 'op' || !LEVELS[level]?.includes(token.text)) return left;
      take();
      left = { kind: 'binary', op: token.text, left, right: binary(level + 1) };
    }
  };
  const unary = (): Node => {
    if (peek()?.text === '-' && peek()?.kind === 'op') {
      take();
      return { kind: 'negate', operand: unary() };
    }
    return primary();
  };
  const primary = (): Node => {
    const token = take();
    if (token.kind === 'string') return { kind: 'literal', value: token.text };
    if (token.kind === 'number') return { kind: 'literal', value: Number(token.text) };
    if (token.kind === 'field') return { kind: 'field', name: token.text };
    if (token.kind === 'op' && token.text === '(') {
      const inner = binary(0);
      take(')');
      return inner;
    }
    if (token.kind === 'name') {
      take('(');
      const args: Node[] = [];
      if (peek()?.text !== ')') {
        args.push(binary(0));
        while (peek()?.text === ',') {
          take(',');
          args.push(binary(0));
        }
      }
      take(')');
      return { kind: 'call', name: token.text.toUpperCase(), args };
    }
    throw new FormulaError(`unexpected ${token.text}`);
  };
  const tree = binary(0);
  if (at !== tokens.length) throw new FormulaError(`unexpected ${tokens[at]?.text ?? ''}`);
  return tree;
}

const truthy = (value: CellValue) =>
  value !== null && value !== '' && value !== 0 && value !== false;
const asText = (value: CellValue) => (value === null ? '' : String(value));
const asNumber = (value: CellValue) => (typeof value === 'number' ? value : Number(value ?? 0));

function equal(a: CellValue, b: CellValue) {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return (
    asText(typeof a === 'boolean' ? Number(a) : a) ===
    asText(typeof b === 'boolean' ? Number(b) : b)
  );
}

const FUNCTIONS: Record<string, (args: CellValue[], record: StoredRecord) => CellValue> = {
  AND: (args) => args.length > 0 && args.every(truthy),
  OR: (args) => args.some(truthy),
  NOT: ([value = null]) => !truthy(value),
  LOWER: ([value = null]) => asText(value).toLowerCase(),
  UPPER: ([value = null]) => asText(value).toUpperCase(),
  TRIM: ([value = null]) => asText(value).trim(),
  LEN: ([value = null]) => asText(value).length,
  RECORD_ID: (_, record) => record.id,
  TRUE: () => true,
  FALSE: () => false,
  BLANK: () => null,
};

function evaluate(node: Node, read: (field: string) => CellValue, record: StoredRecord): CellValue {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'field':
      return read(node.name);
    case 'negate':
      return -asNumber(evaluate(node.operand, read, record));
    case 'call': {
      const fn = FUNCTIONS[node.name];
      if (!fn) throw new FormulaError(`unknown function ${node.name}`);
      return fn(
        node.args.map((arg) => evaluate(arg, read, record)),
        record,
      );
    }
    case 'binary': {
      const left = evaluate(node.left, read, record);
      const right = evaluate(node.right, read, record);
      switch (node.op) {
        case '=':
          return equal(left, right);
        case '!=':
          return !equal(left, right);
        case '&':
          return asText(left) + asText(right);
        case '+':
          return asNumber(left) + asNumber(right);
        case '-':
          return asNumber(left) - asNumber(right);
        case '*':
          return asNumber(left) * asNumber(right);
        case '/':
          return asNumber(left) / asNumber(right);
        case '<':
          return asNumber(left) < asNumber(right);
        case '>':
          return asNumber(left) > asNumber(right);
        case '<=':
          return asNumber(left) <= asNumber(right);
        default:
          return asNumber(left) >= asNumber(right);
      }
    }
  }
}

function fieldNames(node: Node): string[] {
  if (node.kind === 'field') return [node.name];
  if (node.kind === 'call') return node.args.flatMap(fieldNames);
  if (node.kind === 'binary') return [...fieldNames(node.left), ...fieldNames(node.right)];
  if (node.kind === 'negate') return fieldNames(node.operand);
  return [];
}

/** Compiles a formula against a table's fields into a record filter. */
export function compileFormula(source: string, table: Record<string, FieldSpec> | null = null) {
  const tree = parseFormula(source);
  const unknown = fieldNames(tree).filter((name) => table && !(name in table));
  if (unknown.length > 0) throw new FormulaError(`Unknown field names: ${unknown.join(', ')}`);
  return (record: StoredRecord) =>
    truthy(evaluate(tree, (field) => cell(record, field, table), record));
}

// ---------------------------------------------------------------------------------------------
// The server.

export type StoredRecord = {
  id: string;
  createdTime: string;
  modifiedTime: string;
  fields: Record<string, CellValue>;
};

function cell(record: StoredRecord, field: string, table: Record<string, FieldSpec> | null) {
  const spec = table?.[field];
  if (spec?.type === 'computed') return spec.value(record);
  return record.fields[field] ?? null;
}

/** A scripted answer to the next request, before any normal handling. */
export type FakeReply =
  | { type: 'status'; status: number; body?: unknown }
  /** Never answers: the client's timeout must end it. */
  | { type: 'hang' }
  /** Closes the connection without an answer (a network failure). */
  | { type: 'drop' };

export type SeenRequest = {
  method: string;
  /** The path after `/v0/<base>`, decoded, e.g. `/registrations_2526/listRecords`. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  at: number;
};

export type AirtableServerOptions = {
  apiKey?: string;
  baseId?: string;
  /** Seasons that have a `registrations_<season>` table (default 2425 and 2526). */
  seasons?: string[];
  /** Answers 429 when more than this many requests arrive within one second. */
  rateLimitPerSecond?: number;
  /** Extra or replacement tables. */
  tables?: Record<string, Record<string, FieldSpec>>;
};

export interface AirtableServer {
  /** The `endpointUrl` to give airtable.js. */
  url: string;
  apiKey: string;
  baseId: string;
  requests: SeenRequest[];
  script(...replies: FakeReply[]): void;
  /** Adds a record as a volunteer would type it (no validation); returns its id. */
  seed(table: string, fields: Record<string, CellValue>): string;
  /** The stored records of a table, computed fields left out. */
  records(table: string): StoredRecord[];
  /** Drops every record and scripted reply and forgets the requests. */
  reset(): void;
  /** The most requests that arrived within any one second. */
  maxRequestsInAnySecond(): number;
  /** An outage: while down, every connection is closed unanswered (and not counted). */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

class HttpError extends Error {
  readonly status: number;
  readonly type: string;
  constructor(status: number, type: string, message: string) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

const rejected = (type: string, message: string) => new HttpError(422, type, message);
const newId = () =>
  `rec${Array.from(randomBytes(14), (byte) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.charAt(byte % 62)).join('')}`;

function checkValue(name: string, spec: FieldSpec | undefined, value: unknown, typecast: boolean) {
  if (!spec) throw rejected('UNKNOWN_FIELD_NAME', `Unknown field name: "${name}"`);
  if (spec.type === 'computed') {
    throw rejected(
      'INVALID_VALUE_FOR_COLUMN',
      `Field "${name}" cannot accept a value because the field is computed`,
    );
  }
  if (value === null || value === '') return;
  const bad = () =>
    rejected('INVALID_VALUE_FOR_COLUMN', `Field "${name}" cannot accept the provided value`);
  if (spec.type === 'number') {
    if (typeof value !== 'number') throw bad();
    return;
  }
  if (typeof value !== 'string') throw bad();
  if ((spec.type === 'dateTime' || spec.type === 'date') && Number.isNaN(Date.parse(value))) {
    throw bad();
  }
  if (spec.type === 'select' && !spec.options.includes(value) && !typecast) {
    throw rejected(
      'INVALID_MULTIPLE_CHOICE_OPTIONS',
      `Insufficient permissions to create new select option ""${value}""`,
    );
  }
}

type Table = { spec: Record<string, FieldSpec>; rows: StoredRecord[] };
type WriteInput = { id?: unknown; fields?: unknown };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A local server speaking Airtable's REST API (v0) for the club's tables, on 127.0.0.1. */
export async function startAirtableServer(
  options: AirtableServerOptions = {},
): Promise<AirtableServer> {
  const apiKey = options.apiKey ?? 'patFAKE.test';
  const baseId = options.baseId ?? 'appFAKEBASE00001';
  const specs: Record<string, Record<string, FieldSpec>> = {
    team_info: TEAM_INFO_TABLE,
    ...Object.fromEntries(
      (options.seasons ?? ['2425', '2526']).map((season) => [
        `registrations_${season}`,
        REGISTRATION_TABLE,
      ]),
    ),
    ...options.tables,
  };
  const tables = new Map<string, Table>();
  const reset = () => {
    tables.clear();
    for (const [name, spec] of Object.entries(specs)) tables.set(name, { spec, rows: [] });
  };
  reset();
  let scripted: FakeReply[] = [];
  const requests: SeenRequest[] = [];
  const arrivals: number[] = [];
  /** Requests let through the rate limit: a 429 does not use up the allowance. */
  const allowed: number[] = [];
  const hanging = new Set<ServerResponse>();

  const tableNamed = (name: string) => {
    const table = tables.get(name);
    if (!table) {
      throw new HttpError(
        404,
        'TABLE_NOT_FOUND',
        `Could not find table ${name} in application ${baseId}`,
      );
    }
    return table;
  };

  const view = (table: Table, record: StoredRecord) => {
    const fields = { ...record.fields };
    for (const [name, spec] of Object.entries(table.spec)) {
      if (spec.type !== 'computed') continue;
      const value = spec.value(record);
      if (value !== null && value !== '') fields[name] = value;
    }
    return { id: record.id, createdTime: record.createdTime, fields };
  };

  function list(table: Table, params: Record<string, unknown>) {
    const formula = typeof params.filterByFormula === 'string' ? params.filterByFormula : '';
    let keep: (record: StoredRecord) => boolean = () => true;
    if (formula.trim()) {
      try {
        keep = compileFormula(formula, table.spec);
      } catch (error) {
        const detail = error instanceof FormulaError ? error.message : 'Invalid formula';
        throw rejected(
          'INVALID_FILTER_BY_FORMULA',
          detail.startsWith('Unknown field names')
            ? detail
            : 'The formula for filtering records is invalid: Invalid formula. Please check your formula text.',
        );
      }
    }
    const pageSize = Math.min(Number(params.pageSize ?? 100) || 100, 100);
    const maxRecords = Number(params.maxRecords ?? 0) || Infinity;
    const start = Number(params.offset ?? 0) || 0;
    const matching = table.rows.filter(keep).slice(0, maxRecords);
    const page = matching.slice(start, start + pageSize);
    const next = start + pageSize < matching.length ? String(start + pageSize) : undefined;
    return {
      records: page.map((record) => view(table, record)),
      ...(next ? { offset: next } : {}),
    };
  }

  function checkFields(table: Table, fields: unknown, typecast: boolean) {
    if (!isObject(fields)) throw rejected('INVALID_REQUEST_MISSING_FIELDS', 'Missing fields');
    for (const [name, value] of Object.entries(fields)) {
      checkValue(name, table.spec[name], value, typecast);
    }
    return fields as Record<string, CellValue>;
  }

  function write(record: StoredRecord, fields: Record<string, CellValue>, replace: boolean) {
    if (replace) record.fields = {};
    for (const [name, value] of Object.entries(fields)) {
      if (value === null || value === '') delete record.fields[name];
      else record.fields[name] = value;
    }
    record.modifiedTime = new Date().toISOString();
    return record;
  }

  function create(table: Table, fields: Record<string, CellValue>) {
    const now = new Date().toISOString();
    const record: StoredRecord = { id: newId(), createdTime: now, modifiedTime: now, fields: {} };
    write(record, fields, false);
    table.rows.push(record);
    return record;
  }

  function inputs(body: Record<string, unknown>): WriteInput[] {
    const records = body.records;
    if (!Array.isArray(records) || records.length === 0 || records.length > 10) {
      throw rejected('INVALID_RECORDS', 'records must be an array of 1 to 10 records');
    }
    return records.map((record) => (isObject(record) ? record : {}));
  }

  function update(table: Table, body: Record<string, unknown>, replace: boolean) {
    const typecast = body.typecast === true;
    const upsert = isObject(body.performUpsert) ? body.performUpsert : null;
    const mergeOn = upsert?.fieldsToMergeOn;
    if (upsert) {
      if (
        !Array.isArray(mergeOn) ||
        mergeOn.length < 1 ||
        mergeOn.length > 3 ||
        !mergeOn.every(
          (name) =>
            typeof name === 'string' && table.spec[name]?.type !== 'computed' && name in table.spec,
        )
      ) {
        throw rejected(
          'INVALID_VALUE_FOR_COLUMN',
          'fieldsToMergeOn must name 1 to 3 writable fields',
        );
      }
    }
    // checked in full before anything changes, as Airtable applies a request all or nothing
    const planned = inputs(body).map(({ id, fields }) => {
      const checked = checkFields(table, fields, typecast);
      if (typeof id === 'string') {
        const found = table.rows.find((record) => record.id === id);
        if (!found) throw new HttpError(404, 'NOT_FOUND', `Could not find record ${id}`);
        return { target: found, fields: checked };
      }
      if (!upsert) throw rejected('INVALID_RECORDS', 'Each record needs an id');
      const names = mergeOn as string[];
      const matches = table.rows.filter((record) =>
        names.every((name) => str(record.fields[name]) === str(checked[name])),
      );
      if (matches.length > 1) {
        // the type is not documented; Airtable only says the request fails
        throw rejected('INVALID_VALUE_FOR_COLUMN', 'More than one record matches fieldsToMergeOn');
      }
      return { target: matches[0] ?? null, fields: checked };
    });
    const created: string[] = [];
    const updated: string[] = [];
    const records = planned.map(({ target, fields }) => {
      if (target) {
        updated.push(target.id);
        return view(table, write(target, fields, replace));
      }
      const record = create(table, fields);
      created.push(record.id);
      return view(table, record);
    });
    return upsert ? { records, createdRecords: created, updatedRecords: updated } : { records };
  }

  function route(method: string, parts: string[], query: Record<string, string>, body: unknown) {
    const [base, rawTable, rest] = parts;
    if (base !== baseId)
      throw new HttpError(404, 'NOT_FOUND', 'Could not find what you are looking for');
    const table = tableNamed(decodeURIComponent(rawTable ?? ''));
    const payload = isObject(body) ? body : {};
    if (method === 'GET' && !rest) return list(table, query);
    if (method === 'GET' && rest) {
      const found = table.rows.find((record) => record.id === rest);
      if (!found) throw new HttpError(404, 'NOT_FOUND', `Could not find record ${rest}`);
      return view(table, found);
    }
    if (method === 'POST' && rest === 'listRecords') return list(table, payload);
    if (method === 'POST' && !rest) {
      const typecast = payload.typecast === true;
      if (isObject(payload.fields))
        return view(table, create(table, checkFields(table, payload.fields, typecast)));
      const checked = inputs(payload).map(({ fields }) => checkFields(table, fields, typecast));
      return { records: checked.map((fields) => view(table, create(table, fields))) };
    }
    if ((method === 'PATCH' || method === 'PUT') && !rest)
      return update(table, payload, method === 'PUT');
    if (method === 'DELETE' && rest) {
      const index = table.rows.findIndex((record) => record.id === rest);
      if (index < 0) throw new HttpError(404, 'NOT_FOUND', `Could not find record ${rest}`);
      table.rows.splice(index, 1);
      return { id: rest, deleted: true };
    }
    if ((method === 'PATCH' || method === 'PUT') && rest) {
      const result = update(
        table,
        { ...payload, records: [{ id: rest, fields: payload.fields }] },
        method === 'PUT',
      );
      return result.records[0];
    }
    throw new HttpError(404, 'NOT_FOUND', 'Could not find what you are looking for');
  }

  const send = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(body));
  };

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const now = Date.now();
    arrivals.push(now);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const parts = url.pathname.split('/').filter(Boolean);
    let body: unknown = null;
    try {
      body = raw ? (JSON.parse(raw) as unknown) : null;
    } catch {
      send(response, 400, { error: { type: 'INVALID_REQUEST_BODY', message: 'Invalid JSON' } });
      return;
    }
    const method = request.method ?? 'GET';
    const query = Object.fromEntries(url.searchParams);
    requests.push({
      method,
      path: `/${parts.slice(2).map(decodeURIComponent).join('/')}`,
      query,
      body,
      at: now,
    });
    const reply = scripted.shift();
    if (reply?.type === 'hang') {
      hanging.add(response);
      return;
    }
    if (reply?.type === 'drop') {
      request.socket.destroy();
      return;
    }
    if (reply?.type === 'status') {
      send(
        response,
        reply.status,
        reply.body ?? { error: { type: 'SCRIPTED', message: `HTTP ${reply.status}` } },
      );
      return;
    }
    if (request.headers.authorization !== `Bearer ${apiKey}`) {
      send(response, 401, {
        error: { type: 'AUTHENTICATION_REQUIRED', message: 'Authentication required' },
      });
      return;
    }
    const limit = options.rateLimitPerSecond;
    if (limit !== undefined && allowed.filter((at) => at > now - 1000).length >= limit) {
      send(response, 429, {
        errors: [
          { error: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' },
        ],
      });
      return;
    }
    allowed.push(now);
    try {
      if (parts[0] !== 'v0')
        throw new HttpError(404, 'NOT_FOUND', 'Could not find what you are looking for');
      send(response, 200, route(method, parts.slice(1), query, body));
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      send(response, error.status, { error: { type: error.type, message: error.message } });
    }
  }

  let down = false;
  const server = createServer((request, response) => {
    if (down) {
      request.socket.destroy();
      return;
    }
    handle(request, response).catch((error: unknown) => {
      send(response, 500, { error: { type: 'SERVER_ERROR', message: String(error) } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    baseId,
    requests,
    script: (...replies) => scripted.push(...replies),
    seed: (name, fields) => create(tableNamed(name), fields).id,
    records: (name) => tableNamed(name).rows.map((record) => structuredClone(record)),
    reset() {
      reset();
      scripted = [];
      requests.length = 0;
      arrivals.length = 0;
      allowed.length = 0;
    },
    maxRequestsInAnySecond() {
      let most = 0;
      for (let i = 0, j = 0; j < arrivals.length; j += 1) {
        while ((arrivals[j] ?? 0) - (arrivals[i] ?? 0) >= 1000) i += 1;
        most = Math.max(most, j - i + 1);
      }
      return most;
    },
    setDown(value) {
      down = value;
      if (value) server.closeAllConnections();
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
