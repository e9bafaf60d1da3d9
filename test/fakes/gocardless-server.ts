import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/**
 * A local GoCardless (API 2015-07-06) for tests: the REST wire format the real client speaks
 * (JSON envelopes, bearer auth, `GoCardless-Version`, `Idempotency-Key`, error envelopes), the
 * resources the club uses, scriptable failures, and signed webhooks.
 */

export const API_VERSION = '2015-07-06';

/** One request as received: what the contract tests assert on. */
export type RecordedRequest = {
  method: string;
  /** The matched route, e.g. `POST /subscriptions` or `GET /mandates/:id`. */
  route: string;
  path: string;
  idempotencyKey: string | null;
  version: string | null;
  authorization: string | null;
  body: unknown;
};

/** A scripted answer: an HTTP status and body, or never answering. */
export type FakeReply = { status: number; body?: unknown; raw?: string } | { hang: true };

type Json = Record<string, unknown>;
type ErrorItem = { field?: string; reason?: string; message: string; links?: Json };

/** GoCardless's error envelope. */
export const errorBody = (status: number, type: string, message: string, errors: ErrorItem[]) => ({
  error: {
    type,
    code: status,
    message,
    documentation_url: `https://developer.gocardless.com/api-reference#${type}`,
    request_id: `req_fake_${status}`,
    errors,
  },
});

/** A 422 `validation_failed` with field errors. */
export const validationFailed = (...errors: { field: string; message: string }[]): FakeReply => ({
  status: 422,
  body: errorBody(422, 'validation_failed', 'Validation failed', errors),
});

/** A GoCardless-side failure (500 by default). */
export const serverError = (status = 500): FakeReply => ({
  status,
  body: errorBody(status, 'gocardless', 'Uh-oh!', [
    { reason: 'internal_server_error', message: 'Uh-oh!' },
  ]),
});

export type FakeEvent = {
  id: string;
  created_at: string;
  resource_type: string;
  action: string;
  links: Record<string, string>;
  details: { origin: string; cause: string; description: string } & Json;
  metadata: Record<string, string>;
  resource_metadata?: Record<string, string>;
};

export interface GoCardlessServer {
  baseUrl: string;
  accessToken: string;
  webhookSecret: string;
  requests: RecordedRequest[];
  /** Resources by collection name (`billing_requests`, `mandates`, …), then id. */
  resources: Map<string, Map<string, Json>>;
  /** Every event the fake produced, in order. */
  events: FakeEvent[];
  /** Answers the next `times` requests on `route` with `reply`; `afterCreate` first does the work. */
  script(
    route: string,
    reply: FakeReply,
    options?: { times?: number; afterCreate?: boolean },
  ): void;
  /** Plays the parent paying on the hosted page: customer, mandate and fee payment; the events. */
  completeBillingRequest(
    id: string,
    options?: { nextPossibleChargeDate?: string; at?: string },
  ): { mandateId: string; paymentId: string; events: FakeEvent[] };
  /** One monthly collection of a subscription: the payment and its events up to `outcome`. */
  collectSubscriptionPayment(
    subscriptionId: string,
    options: { chargeDate: string; outcome: 'confirmed' | 'failed' | 'charged_back'; at?: string },
  ): { paymentId: string; events: FakeEvent[] };
  /** Posts events to a webhook URL as GoCardless does, signed unless `signature` is given. */
  sendWebhook(
    url: string,
    events: FakeEvent[],
    options?: { signature?: string | null },
  ): Promise<Response>;
  close(): Promise<void>;
}

const PREFIX: Record<string, string> = {
  billing_requests: 'BRQ',
  billing_request_flows: 'BRF',
  customers: 'CU',
  mandates: 'MD',
  payments: 'PM',
  subscriptions: 'SB',
  events: 'EV',
};
const CAUSES: Record<string, [string, string, string]> = {
  'billing_requests.fulfilled': [
    'api',
    'billing_request_fulfilled',
    'This billing request has been fulfilled, and the resources have been created.',
  ],
  'mandates.created': ['api', 'mandate_created', 'Mandate created via the API.'],
  'mandates.submitted': [
    'gocardless',
    'mandate_submitted',
    'The mandate has been submitted to the banks.',
  ],
  'mandates.active': ['gocardless', 'mandate_activated', 'The mandate has been activated.'],
  'payments.created': ['api', 'payment_created', 'Payment created via the API.'],
  'payments.submitted': ['gocardless', 'payment_submitted', 'Payment submitted to the banks.'],
  'payments.confirmed': ['gocardless', 'payment_confirmed', 'Payment was confirmed as collected.'],
  'payments.failed': [
    'bank',
    'insufficient_funds',
    "The customer's account had insufficient funds to make this payment.",
  ],
  'payments.charged_back': [
    'bank',
    'payment_autocompensated',
    'The customer has disputed having been charged for this payment.',
  ],
  'subscriptions.created': ['api', 'subscription_created', 'Subscription created via the API.'],
  'subscriptions.payment_created': [
    'gocardless',
    'payment_created',
    'Payment created by a subscription.',
  ],
  'subscriptions.cancelled': ['api', 'subscription_cancelled', 'The subscription was cancelled.'],
};

const CreateBillingRequest = z.object({
  billing_requests: z.object({
    payment_request: z.looseObject({
      amount: z.int().positive(),
      currency: z.literal('GBP'),
      description: z.string().optional(),
    }),
    mandate_request: z.looseObject({
      currency: z.literal('GBP').optional(),
      scheme: z.literal('bacs').optional(),
    }),
    metadata: z.record(z.string(), z.string()).optional(),
  }),
});
const CreateFlow = z.object({
  billing_request_flows: z.looseObject({
    links: z.object({ billing_request: z.string() }),
    redirect_uri: z.string().optional(),
    exit_uri: z.string().optional(),
    prefilled_customer: z.record(z.string(), z.string()).optional(),
  }),
});
const CreateSubscription = z.object({
  subscriptions: z.object({
    amount: z.int().min(100),
    currency: z.literal('GBP'),
    interval_unit: z.literal('monthly'),
    day_of_month: z
      .int()
      .refine((day) => day === -1 || (day >= 1 && day <= 28), 'must be 1-28 or -1'),
    start_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    count: z.int().positive().optional(),
    name: z.string().optional(),
    metadata: z.record(z.string(), z.string()).optional(),
    links: z.object({ mandate: z.string() }),
  }),
});

/** The field errors GoCardless would give for a body that fails `schema`. */
function fieldErrors(error: z.ZodError): ErrorItem[] {
  return error.issues.map((issue) => ({
    field: issue.path.slice(1).join('.') || String(issue.path[0] ?? ''),
    message: issue.message,
    request_pointer: `/${issue.path.join('/')}`,
  }));
}

const tooManyKeys = (metadata: Json | undefined): ErrorItem[] =>
  Object.keys(metadata ?? {}).length > 3
    ? [{ field: 'metadata', message: 'must have at most 3 keys' }]
    : [];

/** Starts the fake on 127.0.0.1 on a random port. */
export async function startGoCardlessServer(
  options: { accessToken?: string; webhookSecret?: string; now?: () => string } = {},
): Promise<GoCardlessServer> {
  const accessToken = options.accessToken ?? 'sandbox_fake_token';
  const webhookSecret = options.webhookSecret ?? 'fake-webhook-secret';
  const now = options.now ?? (() => new Date().toISOString());
  const requests: RecordedRequest[] = [];
  const resources = new Map<string, Map<string, Json>>();
  const keys = new Map<string, string>();
  const events: FakeEvent[] = [];
  const scripts: { route: string; reply: FakeReply; times: number; afterCreate: boolean }[] = [];
  const counters = new Map<string, number>();
  const hanging = new Set<ServerResponse>();

  const collection = (name: string) => {
    let found = resources.get(name);
    if (!found) resources.set(name, (found = new Map()));
    return found;
  };
  const newId = (name: string) => {
    const next = (counters.get(name) ?? 0) + 1;
    counters.set(name, next);
    return `${PREFIX[name] ?? 'XX'}${String(next).padStart(10, '0')}`;
  };
  const store = (name: string, resource: Json & { id: string }) => {
    collection(name).set(resource.id, resource);
    return resource;
  };
  const event = (
    type: string,
    links: Record<string, string>,
    at = now(),
    resourceMetadata?: Record<string, string>,
  ): FakeEvent => {
    const [resourceType = '', action = ''] = type.split('.');
    const [origin, cause, description] = CAUSES[type] ?? ['gocardless', action, type];
    const made = {
      id: newId('events'),
      created_at: at,
      resource_type: resourceType,
      action,
      links,
      details: { origin, cause, description },
      metadata: {},
      ...(resourceMetadata ? { resource_metadata: resourceMetadata } : {}),
    };
    events.push(made);
    return made;
  };

  type Handled = { status: number; body: unknown };
  const notFound = (): Handled => ({
    status: 404,
    body: errorBody(404, 'invalid_api_usage', 'Resource not found', [
      { reason: 'resource_not_found', message: 'Resource not found' },
    ]),
  });
  const invalid = (errors: ErrorItem[]): Handled => ({
    status: 422,
    body: errorBody(422, 'validation_failed', 'Validation failed', errors),
  });
  const found = (name: string, id: string): Handled => {
    const resource = collection(name).get(id);
    return resource ? { status: 200, body: { [name]: resource } } : notFound();
  };

  /** Creates once per idempotency key; a repeated key is a 409 naming the first resource. */
  const createOnce = (name: string, key: string | null, make: () => Handled): Handled => {
    const existing = key ? keys.get(`${name}:${key}`) : undefined;
    if (existing) {
      return {
        status: 409,
        body: errorBody(
          409,
          'invalid_state',
          'A resource has already been created with this idempotency key',
          [
            {
              reason: 'idempotent_creation_conflict',
              message: 'A resource has already been created with this idempotency key',
              links: { conflicting_resource_id: existing },
            },
          ],
        ),
      };
    }
    const result = make();
    const body = z.record(z.string(), z.looseObject({ id: z.string() })).safeParse(result.body);
    const created = body.success ? body.data[name]?.id : undefined;
    if (key && created && result.status === 201) keys.set(`${name}:${key}`, created);
    return result;
  };

  const routes: {
    route: string;
    pattern: RegExp;
    handle: (id: string, body: unknown, key: string | null) => Handled;
  }[] = [
    {
      route: 'POST /billing_requests',
      pattern: /^\/billing_requests$/,
      handle: (_id, body, key) =>
        createOnce('billing_requests', key, () => {
          const input = CreateBillingRequest.safeParse(body);
          if (!input.success) return invalid(fieldErrors(input.error));
          const request = input.data.billing_requests;
          const extra = tooManyKeys(request.metadata);
          if (extra.length > 0) return invalid(extra);
          const id = newId('billing_requests');
          const resource = store('billing_requests', {
            id,
            created_at: now(),
            status: 'pending',
            metadata: request.metadata ?? {},
            payment_request: { ...request.payment_request, scheme: 'faster_payments', links: {} },
            mandate_request: {
              currency: 'GBP',
              scheme: 'bacs',
              verify: 'recommended',
              links: {},
              ...request.mandate_request,
            },
            links: {
              creditor: 'CR0000000001',
              organisation: 'OR0000000001',
              payment_request: `PRQ${id.slice(3)}`,
              mandate_request: `MRQ${id.slice(3)}`,
            },
            actions: [{ type: 'collect_customer_details', required: true, status: 'pending' }],
          });
          return { status: 201, body: { billing_requests: resource } };
        }),
    },
    {
      route: 'GET /billing_requests/:id',
      pattern: /^\/billing_requests\/([^/]+)$/,
      handle: (id) => found('billing_requests', id),
    },
    {
      route: 'POST /billing_request_flows',
      pattern: /^\/billing_request_flows$/,
      handle: (_id, body, key) =>
        createOnce('billing_request_flows', key, () => {
          const input = CreateFlow.safeParse(body);
          if (!input.success) return invalid(fieldErrors(input.error));
          const flow = input.data.billing_request_flows;
          if (!collection('billing_requests').has(flow.links.billing_request)) return notFound();
          const id = newId('billing_request_flows');
          const resource = store('billing_request_flows', {
            ...flow,
            id,
            created_at: now(),
            expires_at: new Date(Date.parse(now()) + 7 * 86_400_000).toISOString(),
            authorisation_url: `https://pay-sandbox.gocardless.com/billing/static/flow?id=${id}`,
            auto_fulfil: true,
          });
          return { status: 201, body: { billing_request_flows: resource } };
        }),
    },
    {
      route: 'GET /mandates/:id',
      pattern: /^\/mandates\/([^/]+)$/,
      handle: (id) => found('mandates', id),
    },
    {
      route: 'GET /payments/:id',
      pattern: /^\/payments\/([^/]+)$/,
      handle: (id) => found('payments', id),
    },
    {
      route: 'POST /subscriptions',
      pattern: /^\/subscriptions$/,
      handle: (_id, body, key) =>
        createOnce('subscriptions', key, () => {
          const input = CreateSubscription.safeParse(body);
          if (!input.success) return invalid(fieldErrors(input.error));
          const request = input.data.subscriptions;
          const mandate = collection('mandates').get(request.links.mandate);
          if (!mandate) return invalid([{ field: 'links.mandate', message: 'was not found' }]);
          const next = String(mandate.next_possible_charge_date ?? '');
          const errors = [
            ...tooManyKeys(request.metadata),
            ...(request.start_date < next
              ? [
                  {
                    field: 'start_date',
                    message: `must be on or after mandate's next_possible_charge_date`,
                  },
                ]
              : []),
          ];
          if (errors.length > 0) return invalid(errors);
          const id = newId('subscriptions');
          const resource = store('subscriptions', {
            ...request,
            id,
            created_at: now(),
            status: 'active',
            interval: 1,
            metadata: request.metadata ?? {},
            upcoming_payments: [{ charge_date: request.start_date, amount: request.amount }],
          });
          event('subscriptions.created', { subscription: id, mandate: request.links.mandate });
          return { status: 201, body: { subscriptions: resource } };
        }),
    },
    {
      route: 'GET /subscriptions/:id',
      pattern: /^\/subscriptions\/([^/]+)$/,
      handle: (id) => found('subscriptions', id),
    },
    {
      route: 'POST /subscriptions/:id/actions/cancel',
      pattern: /^\/subscriptions\/([^/]+)\/actions\/cancel$/,
      handle: (id) => {
        const subscription = collection('subscriptions').get(id);
        if (!subscription) return notFound();
        if (subscription.status !== 'active') {
          return {
            status: 422,
            body: errorBody(422, 'invalid_state', 'Subscription is already cancelled', [
              { reason: 'cancellation_failed', message: 'Subscription is already cancelled' },
            ]),
          };
        }
        subscription.status = 'cancelled';
        event('subscriptions.cancelled', { subscription: id });
        return { status: 200, body: { subscriptions: subscription } };
      },
    },
  ];

  const send = (response: ServerResponse, status: number, body: unknown, raw?: string) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(raw ?? JSON.stringify(body));
  };

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(Buffer.from(chunk));
    const text = Buffer.concat(chunks).toString('utf8');
    const path = new URL(request.url ?? '/', 'http://fake').pathname;
    const method = request.method ?? 'GET';
    const match = routes
      .map((route) => ({
        route,
        found: route.route.startsWith(`${method} `) ? route.pattern.exec(path) : null,
      }))
      .find((candidate) => candidate.found);
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === 'string' ? value : null;
    };
    const key = header('idempotency-key');
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    requests.push({
      method,
      route: match?.route.route ?? `${method} ${path}`,
      path,
      idempotencyKey: key,
      version: header('gocardless-version'),
      authorization: header('authorization'),
      body,
    });
    if (header('authorization') !== `Bearer ${accessToken}`) {
      return send(
        response,
        401,
        errorBody(401, 'invalid_api_usage', 'Unauthorized', [
          { reason: 'unauthorized', message: 'Unauthorized' },
        ]),
      );
    }
    if (header('gocardless-version') !== API_VERSION) {
      return send(
        response,
        400,
        errorBody(400, 'invalid_api_usage', 'Version header missing', [
          { reason: 'missing_version_header', message: 'Version header missing' },
        ]),
      );
    }
    if (!match) return send(response, 404, notFound().body);
    const scripted = scripts.find(
      (script) => script.route === match.route.route && script.times > 0,
    );
    if (scripted) scripted.times -= 1;
    if (scripted && 'hang' in scripted.reply) {
      hanging.add(response);
      return;
    }
    const result =
      !scripted || scripted.afterCreate
        ? match.route.handle(match.found?.[1] ?? '', body, key)
        : null;
    if (scripted && !('hang' in scripted.reply)) {
      return send(response, scripted.reply.status, scripted.reply.body ?? {}, scripted.reply.raw);
    }
    if (result) send(response, result.status, result.body);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) =>
      send(response, 500, { error: String(error) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  const need = (name: string, id: string) => {
    const resource = collection(name).get(id);
    if (!resource) throw new Error(`No ${name} ${id}`);
    return resource;
  };

  return {
    baseUrl,
    accessToken,
    webhookSecret,
    requests,
    resources,
    events,
    script(route, reply, { times = 1, afterCreate = false } = {}) {
      scripts.push({ route, reply, times, afterCreate });
    },
    completeBillingRequest(id, { nextPossibleChargeDate = '2025-09-01', at = now() } = {}) {
      const request = need('billing_requests', id);
      const links = z.record(z.string(), z.string()).parse(request.links);
      const customer = store('customers', { id: newId('customers'), created_at: at });
      const mandate = store('mandates', {
        id: newId('mandates'),
        created_at: at,
        status: 'active',
        scheme: 'bacs',
        next_possible_charge_date: nextPossibleChargeDate,
        links: { customer: customer.id },
        metadata: {},
      });
      const payment = store('payments', {
        id: newId('payments'),
        created_at: at,
        status: 'confirmed',
        amount: z.object({ amount: z.int() }).parse(request.payment_request).amount,
        currency: 'GBP',
        charge_date: at.slice(0, 10),
        links: { mandate: mandate.id },
        metadata: {},
      });
      request.status = 'fulfilled';
      request.links = {
        ...links,
        customer: customer.id,
        mandate_request_mandate: mandate.id,
        payment_request_payment: payment.id,
      };
      const br = { billing_request: id };
      const made = [
        event(
          'billing_requests.fulfilled',
          {
            ...br,
            customer: customer.id,
            mandate_request_mandate: mandate.id,
            payment_request_payment: payment.id,
          },
          at,
          z.record(z.string(), z.string()).parse(request.metadata ?? {}),
        ),
        event('mandates.created', { mandate: mandate.id, ...br }, at),
        event('payments.created', { payment: payment.id, mandate: mandate.id, ...br }, at),
        event('payments.confirmed', { payment: payment.id, ...br }, at),
        event('mandates.submitted', { mandate: mandate.id }, at),
        event('mandates.active', { mandate: mandate.id }, at),
      ];
      return { mandateId: mandate.id, paymentId: payment.id, events: made };
    },
    collectSubscriptionPayment(subscriptionId, { chargeDate, outcome, at = now() }) {
      const subscription = need('subscriptions', subscriptionId);
      const mandate = z.object({ mandate: z.string() }).parse(subscription.links).mandate;
      const payment = store('payments', {
        id: newId('payments'),
        created_at: at,
        status: outcome,
        amount: subscription.amount,
        currency: 'GBP',
        charge_date: chargeDate,
        links: { mandate, subscription: subscriptionId },
        metadata: {},
      });
      const links = { payment: payment.id, subscription: subscriptionId };
      const made = [
        event(
          'subscriptions.payment_created',
          { subscription: subscriptionId, payment: payment.id },
          at,
        ),
        event('payments.created', links, at),
        event('payments.submitted', links, at),
        event(`payments.${outcome === 'charged_back' ? 'confirmed' : outcome}`, links, at),
        ...(outcome === 'charged_back' ? [event('payments.charged_back', links, at)] : []),
      ];
      return { paymentId: payment.id, events: made };
    },
    async sendWebhook(url, sent, { signature } = {}) {
      const body = JSON.stringify({ events: sent, meta: { webhook_id: newId('webhooks') } });
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'gocardless-webhook-service/1.1',
      };
      const signed =
        signature === undefined
          ? createHmac('sha256', webhookSecret).update(body).digest('hex')
          : signature;
      if (signed !== null) headers['webhook-signature'] = signed;
      return fetch(url, { method: 'POST', headers, body });
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
