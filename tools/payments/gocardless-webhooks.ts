import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** One GoCardless event as a webhook delivers it (API version 2015-07-06). */
export const GoCardlessEvent = z.object({
  id: z.string().min(1),
  created_at: z.iso.datetime({ offset: true }),
  resource_type: z.string().min(1),
  action: z.string().min(1),
  /** Ids of the resources involved, e.g. `payment`, `mandate`, `billing_request`, `subscription`. */
  links: z
    .record(z.string(), z.string().nullable())
    .default({})
    .transform((links) =>
      Object.fromEntries(
        Object.entries(links).filter((entry): entry is [string, string] => entry[1] !== null),
      ),
    ),
  /** Why it happened; `origin` is e.g. `bank`, `api`, `gocardless`, `customer`, `payer`. */
  details: z.looseObject({
    origin: z.string(),
    cause: z.string(),
    description: z.string(),
    scheme: z.string().nullish(),
    reason_code: z.string().nullish(),
    will_attempt_retry: z.boolean().nullish(),
  }),
  metadata: z.record(z.string(), z.string()).default({}),
  /** The metadata of the resource the event is about (our registration id, say). */
  resource_metadata: z.record(z.string(), z.string()).nullish(),
});
export type GoCardlessEvent = z.infer<typeof GoCardlessEvent>;

/** A webhook request's body: a batch of events, delivered at least once and in any order. */
export const WebhookBody = z.object({ events: z.array(z.unknown()) });
const EventType = z.looseObject({ resource_type: z.string(), action: z.string() });

/** The events the club's payment machine acts on, as `resource_type.action`. */
export const HANDLED_EVENTS = [
  'billing_requests.fulfilled',
  'billing_requests.cancelled',
  'billing_requests.failed',
  'payments.submitted',
  'payments.confirmed',
  'payments.paid_out',
  'payments.failed',
  'payments.charged_back',
  'payments.cancelled',
  'payments.late_failure_settled',
  'payments.chargeback_cancelled',
  'mandates.submitted',
  'mandates.active',
  'mandates.failed',
  'mandates.cancelled',
  'mandates.expired',
  'mandates.reinstated',
  'subscriptions.created',
  'subscriptions.payment_created',
  'subscriptions.cancelled',
  'subscriptions.finished',
] as const;
export type HandledEventType = (typeof HANDLED_EVENTS)[number];

const HANDLED = new Set<string>(HANDLED_EVENTS);
const isHandled = (type: string): type is HandledEventType => HANDLED.has(type);

/** `payments.confirmed` for an event the machine acts on; null for every other event. */
export function handledEventType(event: GoCardlessEvent): HandledEventType | null {
  const type = `${event.resource_type}.${event.action}`;
  return isHandled(type) ? type : null;
}

/** The `Webhook-Signature` is missing or wrong: answer 498 and process nothing. */
export class WebhookSignatureError extends Error {
  constructor() {
    super('Invalid webhook signature');
    this.name = 'WebhookSignatureError';
  }
}

/** The body was signed correctly but is not a batch of events as GoCardless sends them. */
export class WebhookBodyError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('Invalid webhook body', options);
    this.name = 'WebhookBodyError';
  }
}

/** The hex HMAC-SHA256 of the raw body that GoCardless sends as `Webhook-Signature`. */
export function signGoCardlessWebhook(body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Checks the signature of the raw body in constant time, then parses it. The header is decoded as
 * `gocardless-nodejs/webhooks` decodes it (Node's hex decoding), so both accept the same headers.
 * Events we do not act on are dropped when they do not fit the schema; a handled one must fit.
 */
export function verifyGoCardlessWebhook(
  rawBody: Buffer,
  signatureHeader: string | undefined,
  secret: string,
): GoCardlessEvent[] {
  if (!secret) throw new Error('A webhook secret is required');
  if (typeof signatureHeader !== 'string') throw new WebhookSignatureError();
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(signatureHeader, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new WebhookSignatureError();
  }
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch (cause) {
    throw new WebhookBodyError({ cause });
  }
  const body = WebhookBody.safeParse(json);
  if (!body.success) throw new WebhookBodyError({ cause: body.error });
  return body.data.events.flatMap((raw) => {
    const event = GoCardlessEvent.safeParse(raw);
    if (event.success) return [event.data];
    // An event we do not act on may take any shape; one we act on must be whole.
    const type = EventType.safeParse(raw);
    if (type.success && isHandled(`${type.data.resource_type}.${type.data.action}`)) {
      throw new WebhookBodyError({ cause: event.error });
    }
    return [];
  });
}
