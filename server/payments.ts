import { z } from 'zod';
import type { PaymentDefinition, PaymentPorts } from '../machines/payment.definition.ts';
import { subscriptionKey } from '../machines/payment.definition.ts';
import { billingRequestKey, registrationForToken } from '../machines/payment-link.ts';
import type { PaymentNotice } from '../machines/payment.machine.ts';
import type { Runner } from '../machines/runner.ts';
import type { ClubConfig } from '../routines/club.ts';
import type { Job, Jobs } from '../tools/jobs/port.ts';
import type { KeyValueStore } from '../tools/kv/port.ts';
import {
  GoCardlessEvent,
  handledEventType,
  verifyGoCardlessWebhook,
} from '../tools/payments/gocardless-webhooks.ts';
import { PaymentRejectedError } from '../tools/payments/port.ts';
import type { StoredRegistration } from '../tools/registrations/registrations.ts';
import type { Log } from './log.ts';

/** GoCardless events, checked and de-duplicated, waiting for their registration's machine. */
export const PAYMENT_EVENTS_QUEUE = 'payment-events';

/** How long an event id is remembered: GoCardless stops retrying a delivery long before. */
const EVENT_SEEN_TTL_MS = 60 * 24 * 3600_000;
/** An event whose registration is not known yet (it came before the one that names it) waits. */
const EVENT_ATTEMPTS = 10;
const EVENT_BACKOFF_MS = 300;

const eventKey = (id: string) => `gc.event.${id}`;
const mandateKey = (id: string) => `gc.md.${id}`;
const paymentKey = (id: string) => `gc.pm.${id}`;
const jobIdOf = (eventId: string) => `gc-${eventId.replace(/[^A-Za-z0-9_.-]/g, '_')}`;

const Owner = z.object({ registrationId: z.string().min(1) });
const ReminderJob = z.object({ registrationId: z.string().min(1) });

/** An event that cannot be given to a machine yet: its job is retried later. */
export class UnroutedEventError extends Error {
  constructor(eventId: string) {
    super(`No registration known yet for event ${eventId}`);
    this.name = 'UnroutedEventError';
  }
}

export type PaymentEventsDeps = {
  /** The webhook endpoint's secret (GoCardless's, or the simulator's). */
  secret: string;
  ledger: KeyValueStore;
  jobs: Jobs;
  runner: Runner;
  definition: PaymentDefinition;
  ports: PaymentPorts;
  log: Log;
};

/**
 * The webhook's work: a signed batch checked, each event id queued once (the ledger), then each
 * event routed to its registration's payment machine on the job queue, in whatever order it came.
 */
export function createPaymentEvents(deps: PaymentEventsDeps) {
  const { ledger, jobs, runner, definition, ports, log } = deps;

  const owner = async (key: string) => {
    const found = Owner.safeParse(await ledger.get(key));
    return found.success ? found.data.registrationId : null;
  };

  /** The registration an event is about, from what earlier events and effects indexed. */
  async function route(event: GoCardlessEvent): Promise<string | null> {
    const { links } = event;
    const candidates = [
      links.billing_request && billingRequestKey(links.billing_request),
      links.subscription && subscriptionKey(links.subscription),
      links.mandate && mandateKey(links.mandate),
      links.payment && paymentKey(links.payment),
    ].filter((key): key is string => typeof key === 'string' && key !== '');
    for (const key of candidates) {
      const id = await owner(key);
      if (id) return id;
    }
    return null;
  }

  /** Remembers the mandate and the fee payment a fulfilled billing request names. */
  async function index(event: GoCardlessEvent, registrationId: string) {
    const { links } = event;
    const value = { registrationId };
    const mandate = links.mandate_request_mandate ?? links.mandate;
    const payment = links.payment_request_payment;
    if (mandate) await ledger.set(mandateKey(mandate), value);
    if (payment) await ledger.set(paymentKey(payment), value);
  }

  async function notice(event: GoCardlessEvent, signal?: AbortSignal): Promise<PaymentNotice> {
    const type = handledEventType(event);
    if (!type) throw new Error(`Unhandled event type ${event.resource_type}.${event.action}`);
    const base = { id: event.id, type, createdAt: event.created_at, links: event.links };
    const paymentId = event.links.payment;
    if (event.resource_type !== 'payments' || !paymentId) return base;
    const payment = await ports.payments.getPayment(paymentId, signal);
    return {
      ...base,
      payment: { chargeDate: payment.chargeDate, subscriptionId: payment.subscriptionId },
    };
  }

  return {
    /**
     * Checks the signature before anything else (WebhookSignatureError: answer 498), then queues
     * each event the club acts on, once per event id. Returns how many were queued.
     */
    async receive(rawBody: Buffer, signature: string | undefined) {
      const events = verifyGoCardlessWebhook(rawBody, signature, deps.secret);
      let queued = 0;
      for (const event of events) {
        if (!handledEventType(event)) continue;
        const claim = await ledger.setIfAbsent(
          eventKey(event.id),
          { at: event.created_at },
          EVENT_SEEN_TTL_MS,
        );
        if (!claim.stored) continue;
        try {
          await jobs.add(PAYMENT_EVENTS_QUEUE, jobIdOf(event.id), event, {
            attempts: EVENT_ATTEMPTS,
            backoffMs: EVENT_BACKOFF_MS,
          });
        } catch (error) {
          // Not queued: let GoCardless's retry bring it again.
          await ledger.delete(eventKey(event.id));
          throw error;
        }
        queued += 1;
      }
      log('payments.webhook', { events: events.length, queued });
      return queued;
    },

    /** The `payment-events` job: one event into its registration's payment machine. */
    async process(job: Job) {
      const event = GoCardlessEvent.parse(job.data);
      if (!handledEventType(event)) return;
      let registrationId = await route(event);
      let delivered: PaymentNotice;
      try {
        delivered = await notice(event);
      } catch (error) {
        // A payment GoCardless does not know (a test event): nothing to do.
        if (error instanceof PaymentRejectedError) {
          log('payments.event_ignored', { event: event.id, reason: error.code });
          return;
        }
        throw error;
      }
      const subscription = delivered.payment?.subscriptionId;
      if (!registrationId && subscription)
        registrationId = await owner(subscriptionKey(subscription));
      if (!registrationId) {
        log('payments.event_unrouted', { event: event.id, attempt: job.attempt });
        throw new UnroutedEventError(event.id);
      }
      await index(event, registrationId);
      const retryDue = await runner.turn(
        definition,
        registrationId,
        async (actor) => {
          actor.send({ type: 'retry' });
          actor.send({ type: 'gocardless', notice: delivered });
          return (snapshot) => ({ result: snapshot.context.retryDue });
        },
        { ports },
      );
      log('payments.event_applied', { event: event.id, type: delivered.type, registrationId });
      if (retryDue) throw new Error('A payment effect waits to be retried');
    },

    /** The `payment-reminders` job: the machine texts the parent if the link is still unused. */
    async remind(job: Job) {
      const { registrationId } = ReminderJob.parse(job.data);
      const retryDue = await runner.turn(
        definition,
        registrationId,
        async (actor) => {
          actor.send({ type: 'retry' });
          actor.send({ type: 'reminder.due' });
          return (snapshot) => ({ result: snapshot.context.retryDue });
        },
        { ports },
      );
      if (retryDue) throw new Error('A payment effect waits to be retried');
    },
  };
}

export type PaymentEvents = ReturnType<typeof createPaymentEvents>;

/** What the link page decides for a token. */
export type LinkOutcome =
  | { kind: 'unknown' }
  | { kind: 'paid'; record: StoredRegistration }
  | { kind: 'pay'; record: StoredRegistration; billingRequestId: string };

const PAID = new Set(['active', 'suspended']);

/** Finds the registration of a payment-link token and whether it still needs paying. */
export async function linkOutcome(
  token: string,
  ledger: KeyValueStore,
  ports: Pick<PaymentPorts, 'registrations'>,
  signal?: AbortSignal,
): Promise<LinkOutcome> {
  const registrationId = await registrationForToken(ledger, token);
  if (!registrationId) return { kind: 'unknown' };
  const record = await ports.registrations.get(registrationId, signal);
  if (!record) return { kind: 'unknown' };
  const { fields } = record;
  const done = fields.signing_on_fee_paid === 'Y' && fields.mandate_authorised === 'Y';
  if (PAID.has(fields.registration_status) || done) return { kind: 'paid', record };
  if (!fields.billing_request_id) return { kind: 'unknown' };
  return { kind: 'pay', record, billingRequestId: fields.billing_request_id };
}

/** The configured club, for pages that show amounts. */
export type PaymentPagesClub = Pick<ClubConfig, 'name' | 'fees' | 'adminEmail'>;
