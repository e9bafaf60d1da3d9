import Router from '@koa/router';
import type Koa from 'koa';
import { z } from 'zod';
import { WebhookBody } from '../tools/payments/gocardless-webhooks.ts';
import { TwilioStatusCallback } from '../tools/sms/twilio-status.ts';
import { PhotoFields } from './photo-form.ts';
import {
  ClearBody,
  EraseBody,
  FlowQuery,
  ModeBody,
  PaymentsQuery,
  RegistrationParams,
  RegistrationQuery,
  TextsQuery,
} from './routes/admin.ts';
import { MCP_PATH } from './mcp.ts';
import { ChatBody } from './routes/chat.ts';
import { WEBHOOK_PATH } from './routes/payments.ts';
import { StatusParams } from './routes/uploads.ts';
import { TWILIO_STATUS_PATH } from './texts.ts';

type Method = 'get' | 'post';
type ObjectSchema = z.ZodObject;

/** One route of the HTTP API, with the very schemas its handler parses its input with. */
export type ApiRoute = {
  method: Method;
  /** As the Koa router has it (`/upload-status/:session_id`). */
  path: string;
  summary: string;
  tag: 'chat' | 'uploads' | 'admin' | 'payments' | 'webhooks' | 'operations' | 'page';
  /** Behind the admin bearer token. */
  admin?: boolean;
  body?: {
    type: 'application/json' | 'multipart/form-data' | 'application/x-www-form-urlencoded';
    schema: z.ZodType;
  };
  query?: ObjectSchema;
  params?: ObjectSchema;
  /** What the success answer is (a media type other than JSON when not). */
  produces?: string;
};

const json = (schema: z.ZodType) => ({ type: 'application/json' as const, schema });
const PAGE_FILES = ['/', '/app.js', '/markdown.js', '/style.css'];
const Token = z.object({ token: z.string() });
const Flow = z.object({ flow: z.string() });

/** Every route the app registers, by the schemas its handlers parse with. */
export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'post',
    path: '/chat',
    summary:
      'One parent message, one turn. With Accept: text/event-stream the turn streams as server-sent events (understood, effect.started, effect.finished, then reply with this same body).',
    tag: 'chat',
    body: json(ChatBody),
  },
  {
    method: 'get',
    path: '/conversation',
    summary:
      'The messages this chat showed, oldest first (Authorization: Bearer <session_id>), for a page reload.',
    tag: 'chat',
  },
  {
    method: 'post',
    path: '/upload-async',
    summary: 'A photo for the session, processed in the background (poll /upload-status).',
    tag: 'uploads',
    body: {
      type: 'multipart/form-data',
      schema: PhotoFields.extend({ file: z.string().meta({ format: 'binary' }) }),
    },
  },
  {
    method: 'get',
    path: '/upload-status/:session_id',
    summary: "The session's last upload: processing, or complete with the turn's reply.",
    tag: 'uploads',
    params: StatusParams,
  },
  {
    method: 'post',
    path: '/upload',
    summary: 'A photo for the session, processed before the answer.',
    tag: 'uploads',
    body: {
      type: 'multipart/form-data',
      schema: PhotoFields.extend({ file: z.string().meta({ format: 'binary' }) }),
    },
  },
  {
    method: 'post',
    path: '/clear',
    summary: 'Clears a session.',
    tag: 'admin',
    admin: true,
    body: json(ClearBody),
  },
  {
    method: 'post',
    path: '/admin/erase',
    summary: "Erases one family's data in every store.",
    tag: 'admin',
    admin: true,
    body: json(EraseBody),
  },
  {
    method: 'get',
    path: '/agent/status',
    summary: "The generic agent's mode.",
    tag: 'admin',
    admin: true,
  },
  {
    method: 'post',
    path: '/agent/mode',
    summary: "Sets the generic agent's mode.",
    tag: 'admin',
    admin: true,
    body: json(ModeBody),
  },
  {
    method: 'get',
    path: '/admin/registrations',
    summary: "This season's registrations.",
    tag: 'admin',
    admin: true,
    query: RegistrationQuery,
  },
  {
    method: 'get',
    path: '/admin/registrations/:id',
    summary: 'One registration.',
    tag: 'admin',
    admin: true,
    params: RegistrationParams,
  },
  {
    method: 'get',
    path: '/admin/registrations/:id/payment',
    summary: "One registration's payment state.",
    tag: 'admin',
    admin: true,
    params: RegistrationParams,
  },
  {
    method: 'get',
    path: '/admin/texts',
    summary: 'The SMS outbox.',
    tag: 'admin',
    admin: true,
    query: TextsQuery,
  },
  {
    method: 'get',
    path: '/admin/payments',
    summary: 'Payment states at a glance.',
    tag: 'admin',
    admin: true,
    query: PaymentsQuery,
  },
  {
    method: 'get',
    path: '/admin/flow',
    summary:
      'The flow page: the statechart with how many sessions rest in each state, drop-off and median time per routine (no personal data).',
    tag: 'admin',
    admin: true,
    query: FlowQuery,
    produces: 'text/html',
  },
  {
    method: 'post',
    path: MCP_PATH,
    summary:
      "The MCP server (streamable HTTP, stateless): the generic agent's read-only tools, behind MCP_TOKEN.",
    tag: 'operations',
  },
  {
    method: 'get',
    path: MCP_PATH,
    summary: 'Refused: the MCP server is stateless and opens no event stream.',
    tag: 'operations',
  },
  {
    method: 'post',
    path: TWILIO_STATUS_PATH,
    summary: "Twilio's delivery status callback (signed).",
    tag: 'webhooks',
    body: { type: 'application/x-www-form-urlencoded', schema: TwilioStatusCallback },
  },
  {
    method: 'post',
    path: WEBHOOK_PATH,
    summary: "GoCardless's events (signed over the raw body).",
    tag: 'webhooks',
    body: json(WebhookBody),
  },
  {
    method: 'get',
    path: '/reg_setup/:token',
    summary: 'The payment link.',
    tag: 'payments',
    params: Token,
    produces: 'text/html',
  },
  {
    method: 'get',
    path: '/reg_setup/:token/done',
    summary: 'Where the payment page returns after paying.',
    tag: 'payments',
    params: Token,
    produces: 'text/html',
  },
  {
    method: 'get',
    path: '/reg_setup/:token/exit',
    summary: 'Where the payment page returns when cancelled.',
    tag: 'payments',
    params: Token,
    produces: 'text/html',
  },
  {
    method: 'get',
    path: '/simulator/pay/:flow',
    summary: 'The offline payment simulator (only when GoCardless is not configured).',
    tag: 'payments',
    params: Flow,
    produces: 'text/html',
  },
  {
    method: 'post',
    path: '/simulator/pay/:flow',
    summary: 'Pays in the offline simulator (only when GoCardless is not configured).',
    tag: 'payments',
    params: Flow,
    produces: 'text/html',
  },
  { method: 'get', path: '/health', summary: 'Readiness (as /health/ready).', tag: 'operations' },
  {
    method: 'get',
    path: '/health/live',
    summary: 'Liveness: the process answers.',
    tag: 'operations',
  },
  {
    method: 'get',
    path: '/health/ready',
    summary: 'Readiness: every dependency probed; 503 when a required one is down.',
    tag: 'operations',
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics.',
    tag: 'operations',
    admin: true,
    produces: 'text/plain',
  },
  { method: 'get', path: '/openapi.json', summary: 'This document.', tag: 'operations' },
  ...PAGE_FILES.map((path) => ({
    method: 'get' as const,
    path,
    summary: 'The built-in chat page.',
    tag: 'page' as const,
    produces: 'text/html',
  })),
];

/** A zod schema as JSON Schema (2020-12, as OpenAPI 3.1 takes it), for what a client sends. */
const schemaOf = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function parameters(where: 'path' | 'query', schema: ObjectSchema | undefined) {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
    schema: schemaOf(field as z.ZodType),
  }));
}

const ErrorBody = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      required: ['code', 'message'],
    },
    response: { type: 'string', description: 'The sentence to show the parent.' },
  },
};

function operation(route: ApiRoute) {
  const params = [...parameters('path', route.params), ...parameters('query', route.query)];
  return {
    summary: route.summary,
    tags: [route.tag],
    ...(route.admin ? { security: [{ adminToken: [] }] } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { [route.body.type]: { schema: schemaOf(route.body.schema) } },
          },
        }
      : {}),
    responses: {
      '200': {
        description: 'OK',
        content: { [route.produces ?? 'application/json']: {} },
      },
      default: {
        description: 'A refusal or failure, with the sentence for the parent.',
        content: { 'application/json': { schema: ErrorBody } },
      },
    },
  };
}

/** The OpenAPI 3.1 document of the HTTP API, generated from the routes' own zod schemas. */
export function openApiDocument(routes: readonly ApiRoute[] = API_ROUTES) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Club registration by chat',
      version: '1',
      description:
        'The HTTP API of the registration chat: the club frontend contract, uploads, payments, webhooks and admin.',
    },
    components: {
      securitySchemes: {
        adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' },
      },
    },
    paths,
  };
}

/** Each method and path the app's routers register (HEAD, implied by GET, left out). */
export function registeredRoutes(app: Koa): { method: string; path: string }[] {
  const found: { method: string; path: string }[] = [];
  for (const middleware of app.middleware) {
    const router: unknown = (middleware as { router?: unknown }).router;
    if (!(router instanceof Router)) continue;
    for (const layer of router.stack) {
      for (const method of layer.methods) {
        if (method !== 'HEAD')
          found.push({ method: method.toLowerCase(), path: String(layer.path) });
      }
    }
  }
  return found;
}

/** GET /openapi.json, the document built on its first request rather than at start. */
export function openApiRouter() {
  const router = new Router();
  let document: ReturnType<typeof openApiDocument> | null = null;
  router.get('/openapi.json', (ctx) => {
    ctx.body = document ??= openApiDocument();
  });
  return router;
}
