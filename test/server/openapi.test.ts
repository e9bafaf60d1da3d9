import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { wire } from '../../server/main.ts';
import { registeredRoutes } from '../../server/openapi.ts';
import { bearer, startTestServer, type TestServer } from './support.ts';

type Schema = {
  properties?: Record<string, Schema>;
  required?: string[];
  maxLength?: number;
  enum?: unknown[];
  anyOf?: Schema[];
};
type Operation = {
  requestBody?: { content: Record<string, { schema: Schema }> };
  parameters?: { name: string; in: string; schema: Schema }[];
  security?: unknown[];
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

describe('GET /openapi.json', () => {
  let server: TestServer;
  let doc: Document;

  beforeAll(async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/openapi.json`);
    expect(response.status).toBe(200);
    doc = (await response.json()) as Document;
  });
  afterAll(() => server.close());

  const operation = (method: string, path: string): Operation => {
    const found = doc.paths[path]?.[method];
    if (!found) throw new Error(`${key(method, path)} is not in the document`);
    return found;
  };
  const jsonBody = (path: string) =>
    operation('post', path).requestBody?.content['application/json']?.schema ?? {};

  it('lists every route the app registers, and no other', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'openapi-'));
    const config = loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'test', RUN_WORKERS: 'false' });
    const { app, product } = await wire(config, () => {}, {});
    try {
      const registered = registeredRoutes(app).map(({ method, path }) =>
        key(method, path.replace(/:(\w+)/g, '{$1}')),
      );
      const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => key(method, path)),
      );
      expect(registered.length).toBeGreaterThan(20);
      expect([...new Set(registered)].sort()).toEqual([...new Set(documented)].sort());
    } finally {
      await product.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('is OpenAPI 3.1 with every path parameter declared', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const [path, methods] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(methods)) {
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect(declared.sort()).toEqual(names.sort());
      }
    }
  });

  it("takes /chat's limits from the schema the route parses with", async () => {
    const schema = jsonBody('/chat');
    expect(schema.required).toEqual(['user_message']);
    const max = schema.properties?.user_message?.maxLength ?? 0;
    expect(max).toBe(2_000);
    const longest = await server.post('/chat', { user_message: 'a'.repeat(max) });
    expect(longest.status).toBe(200);
    const tooLong = await server.post('/chat', { user_message: 'a'.repeat(max + 1) });
    expect(tooLong.status).toBe(400);
  });

  it.each([['/chat'], ['/clear'], ['/agent/mode'], ['/admin/erase']])(
    'refuses a body to %s that the document says is invalid',
    async (path) => {
      const schema = jsonBody(path);
      // Either required fields or a choice of shapes: an empty object is none of them.
      expect((schema.required ?? []).length + (schema.anyOf ?? []).length).toBeGreaterThan(0);
      const { status, body } = await server.post(path, {}, bearer());
      expect(status).toBe(400);
      expect(body).toMatchObject({ error: { code: 'invalid_request' } });
    },
  );

  it.each([
    ['/agent/mode', 'post', 'mode'],
    ['/admin/texts', 'get', 'status'],
    ['/admin/payments', 'get', 'status'],
  ])("refuses a value outside %s's documented enum", async (path, method, field) => {
    const op = operation(method, path);
    const values =
      method === 'post'
        ? jsonBody(path).properties?.[field]?.enum
        : op.parameters?.find((p) => p.name === field)?.schema.enum;
    expect(values?.length).toBeGreaterThan(0);
    const outside = 'not-a-documented-value';
    expect(values).not.toContain(outside);
    const answer =
      method === 'post'
        ? await server.post(path, { [field]: outside }, bearer())
        : await server.get(`${path}?${field}=${outside}`, bearer());
    expect(answer.status).toBe(400);
    const inside = String(values?.[0]);
    const accepted =
      method === 'post'
        ? await server.post(path, { [field]: inside }, bearer())
        : await server.get(`${path}?${field}=${inside}`, bearer());
    expect(accepted.status).toBe(200);
  });

  it.each(['/metrics', '/admin/registrations', '/clear'])('marks %s as admin only', (path) => {
    const methods = Object.values(doc.paths[path] ?? {});
    expect(methods.every((op) => op.security !== undefined)).toBe(true);
  });
});
