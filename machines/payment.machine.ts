import { assign, setup } from 'xstate';
import type { HandledEventType } from '../tools/payments/gocardless-webhooks.ts';

/** Bump when a stored payment snapshot would no longer fit, with a migration in the definition. */
export const PAYMENT_MACHINE_VERSION = '1';

/** A GoCardless event as the payment machine receives it: routed, and a payment's facts read. */
export type PaymentNotice = {
  id: string;
  type: HandledEventType;
  createdAt: string;
  links: Record<string, string>;
  /** For payment events: the payment as GoCardless holds it (events carry neither of these). */
  payment?: { chargeDate: string; subscriptionId: string | null };
};

export type PaymentEffect = 'createSubscription' | 'writeRecord';

export type CreatedSubscription = {
  id: string;
  startDate: string;
  amountPence: number;
  count: number;
};

export type PaymentEvent =
  /** Sent first in every turn: an effect that waits to be retried runs again. */
  | { type: 'retry' }
  | { type: 'gocardless'; notice: PaymentNotice }
  /** The payment link has not been used after the club's number of days. */
  | { type: 'reminder.due' }
  | { type: 'subscription.created'; subscription: CreatedSubscription }
  | { type: 'subscription.rejected'; reason: string }
  | { type: 'record.written'; fields: Record<string, string | number>; texts: number }
  | { type: 'effect.failed'; effect: PaymentEffect; kind: 'unavailable' | 'bug'; reason: string };

export type PaymentText = 'confirmation' | 'reminder' | 'suspended';

/** What one collection came to, by payment id. */
type Collection = { month: string; status: string; rank: number };

export type PaymentContext = {
  registrationId: string;
  settings: { suspendAfterFailedPayments: number; seasonMonths: readonly string[] };
  /** Event ids already applied (the newest few hundred): a redelivery changes nothing. */
  seen: string[];
  billingRequestId: string | null;
  feePaymentId: string | null;
  mandateId: string | null;
  /** The billing request was fulfilled: the fee paid and the mandate set up. */
  fulfilled: boolean;
  abandoned: boolean;
  subscription: CreatedSubscription | null;
  subscriptionError: string | null;
  subscriptionEnded: 'cancelled' | 'finished' | null;
  collections: Record<string, Collection>;
  suspended: boolean;
  reminders: number;
  /** Texts decided but not yet queued, and whether each kind was ever decided. */
  texts: PaymentText[];
  textsDecided: PaymentText[];
  /** The record's fields as last written by this machine. */
  written: Record<string, string | number>;
  /** An effect failed on an unavailable service: the job that ran the turn is retried. */
  retryDue: boolean;
};

const SEEN_KEPT = 500;

/** Later statuses of a collection win, whatever order their events arrive in. */
const RANK: Record<string, number> = {
  created: 1,
  submitted: 2,
  confirmed: 3,
  paid_out: 4,
  cancelled: 5,
  failed: 5,
  charged_back: 6,
  late_failure_settled: 6,
  chargeback_cancelled: 7,
};
const FAILED = new Set(['failed', 'charged_back', 'late_failure_settled']);

/** The record field of a collection, by its charge month (not the event's time); null outside. */
function monthField(chargeDate: string, seasonMonths: readonly string[]) {
  const yearMonth = chargeDate.slice(0, 7);
  if (!seasonMonths.includes(yearMonth)) return null;
  const month = new Date(`${yearMonth}-01T00:00:00Z`)
    .toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' })
    .toLowerCase()
    .slice(0, 3);
  return `${month}_subscription_payment_status`;
}

const failedCollections = (context: PaymentContext) =>
  Object.values(context.collections).filter((collection) => FAILED.has(collection.status)).length;

const status = (context: PaymentContext) => {
  if (context.suspended) return 'suspended';
  if (context.fulfilled) return 'active';
  return context.abandoned ? 'incomplete' : 'pending_payment';
};

/** The record as this machine's facts make it: every change is written from here. */
export function recordOf(context: PaymentContext): Record<string, string | number> {
  const record: Record<string, string | number> = {
    registration_status: status(context),
    signing_on_fee_paid: context.fulfilled || context.feePaymentId !== null ? 'Y' : 'N',
    mandate_authorised: context.fulfilled || context.mandateId !== null ? 'Y' : 'N',
    subscription_activated: context.subscription ? 'Y' : 'N',
    payment_follow_up_count: context.reminders,
  };
  if (context.billingRequestId) record.billing_request_id = context.billingRequestId;
  const { subscription } = context;
  if (subscription) {
    record.ongoing_subscription_id = subscription.id;
    record.subscription_start_date = subscription.startDate;
    record.monthly_subscription_amount = subscription.amountPence / 100;
    record.subscription_status = context.subscriptionEnded ?? 'active';
  } else if (context.subscriptionError) {
    record.subscription_status = 'failed';
    record.subscription_error = context.subscriptionError.slice(0, 500);
  }
  const best: Record<string, Collection> = {};
  for (const collection of Object.values(context.collections)) {
    const current = best[collection.month];
    if (!current || collection.rank >= current.rank) best[collection.month] = collection;
  }
  for (const [field, collection] of Object.entries(best)) record[field] = collection.status;
  return record;
}

/** The fields whose value differs from what was last written. */
export function unwritten(context: PaymentContext): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(recordOf(context)).filter(([field, value]) => context.written[field] !== value),
  );
}

const decide = (context: PaymentContext, text: PaymentText) =>
  context.textsDecided.includes(text) && text !== 'reminder'
    ? {}
    : { texts: [...context.texts, text], textsDecided: [...context.textsDecided, text] };

/** Applies one GoCardless event to the facts; the regions follow from them. */
function apply(context: PaymentContext, notice: PaymentNotice): Partial<PaymentContext> {
  const { links } = notice;
  const change: Partial<PaymentContext> = {
    seen: [...context.seen, notice.id].slice(-SEEN_KEPT),
  };
  switch (notice.type) {
    case 'billing_requests.fulfilled':
      return {
        ...change,
        fulfilled: true,
        billingRequestId: links.billing_request ?? context.billingRequestId,
        mandateId: links.mandate_request_mandate ?? context.mandateId,
        feePaymentId: links.payment_request_payment ?? context.feePaymentId,
      };
    case 'billing_requests.cancelled':
    case 'billing_requests.failed':
      return { ...change, abandoned: !context.fulfilled };
    case 'mandates.active':
    case 'mandates.reinstated':
      return { ...change, mandateId: links.mandate ?? context.mandateId };
    case 'subscriptions.cancelled':
    case 'subscriptions.finished':
      return {
        ...change,
        subscriptionEnded: notice.type === 'subscriptions.cancelled' ? 'cancelled' : 'finished',
      };
    default:
      break;
  }
  const paymentId = links.payment;
  if (notice.type.startsWith('payments.') && paymentId && notice.payment) {
    const action = notice.type.slice('payments.'.length);
    if (notice.payment.subscriptionId === null) {
      // The signing-on fee: confirmed or paid out means paid.
      return ['confirmed', 'paid_out'].includes(action)
        ? { ...change, feePaymentId: paymentId }
        : change;
    }
    const month = monthField(notice.payment.chargeDate, context.settings.seasonMonths);
    const rank = RANK[action] ?? 0;
    const before = context.collections[paymentId];
    if (!month || (before && before.rank > rank)) return change;
    return {
      ...change,
      collections: { ...context.collections, [paymentId]: { month, status: action, rank } },
    };
  }
  return change;
}

/** The status, the texts and the flags that follow from the facts after an event. */
function consequences(context: PaymentContext): Partial<PaymentContext> {
  let next: Partial<PaymentContext> = {};
  const failures = failedCollections(context);
  if (
    context.fulfilled &&
    !context.suspended &&
    failures >= context.settings.suspendAfterFailedPayments
  ) {
    next = { suspended: true, ...decide(context, 'suspended') };
  }
  return next;
}

export const paymentMachine = setup({
  types: {
    context: {} as PaymentContext,
    events: {} as PaymentEvent,
    input: {} as {
      registrationId: string;
      settings: PaymentContext['settings'];
    },
  },
  guards: {
    isNew: ({ context, event }) =>
      event.type === 'gocardless' && !context.seen.includes(event.notice.id),
    canSubscribe: ({ context }) =>
      context.fulfilled && context.mandateId !== null && !context.suspended,
    hasWork: ({ context }) =>
      context.texts.length > 0 || Object.keys(unwritten(context)).length > 0,
    subscriptionFailed: ({ event }) =>
      event.type === 'effect.failed' && event.effect === 'createSubscription',
    subscriptionUnavailable: ({ event }) =>
      event.type === 'effect.failed' &&
      event.effect === 'createSubscription' &&
      event.kind === 'unavailable',
    writeFailed: ({ event }) => event.type === 'effect.failed' && event.effect === 'writeRecord',
    remindable: ({ context }) =>
      !context.fulfilled && !context.abandoned && context.reminders === 0,
  },
  actions: {
    applyNotice: assign(({ context, event }) => {
      if (event.type !== 'gocardless') return {};
      const applied = { ...context, ...apply(context, event.notice) };
      return { ...applied, ...consequences(applied) };
    }),
    decideReminder: assign(({ context }) => ({
      reminders: context.reminders + 1,
      ...decide(context, 'reminder'),
    })),
    decideConfirmation: assign(({ context }) => decide(context, 'confirmation')),
    markRetryDue: assign({ retryDue: true }),
    clearRetryDue: assign({ retryDue: false }),
  },
}).createMachine({
  id: 'payment',
  context: ({ input }) => ({
    registrationId: input.registrationId,
    settings: input.settings,
    seen: [],
    billingRequestId: null,
    feePaymentId: null,
    mandateId: null,
    fulfilled: false,
    abandoned: false,
    subscription: null,
    subscriptionError: null,
    subscriptionEnded: null,
    collections: {},
    suspended: false,
    reminders: 0,
    texts: [],
    textsDecided: [],
    written: {},
    retryDue: false,
  }),
  type: 'parallel',
  on: {
    gocardless: { guard: 'isNew', actions: 'applyNotice' },
    'reminder.due': { guard: 'remindable', actions: 'decideReminder' },
  },
  states: {
    /** The signing-on fee: shown to readers; the facts are in the context. */
    fee: {
      initial: 'unpaid',
      states: {
        unpaid: {
          always: {
            guard: ({ context }) => recordOf(context).signing_on_fee_paid === 'Y',
            target: 'paid',
          },
        },
        paid: { type: 'final' },
      },
    },
    mandate: {
      initial: 'none',
      states: {
        none: {
          always: { guard: ({ context }) => context.mandateId !== null, target: 'authorised' },
        },
        authorised: {},
      },
    },
    /** The monthly subscription, created exactly once when the billing request is fulfilled. */
    subscription: {
      initial: 'waiting',
      states: {
        waiting: { always: { guard: 'canSubscribe', target: 'creating' } },
        creating: {
          tags: ['effect'],
          meta: { effect: 'createSubscription' },
          on: {
            'subscription.created': {
              target: 'created',
              actions: assign(({ event }) => ({ subscription: event.subscription })),
            },
            'subscription.rejected': {
              target: 'failed',
              actions: assign(({ event }) => ({ subscriptionError: event.reason })),
            },
            'effect.failed': [
              {
                guard: 'subscriptionUnavailable',
                target: 'waitingToRetry',
                actions: 'markRetryDue',
              },
              {
                guard: 'subscriptionFailed',
                target: 'failed',
                actions: assign(({ event }) => ({
                  subscriptionError: `The subscription could not be created (${event.type === 'effect.failed' ? event.reason : 'error'})`,
                })),
              },
            ],
          },
        },
        waitingToRetry: { on: { retry: { target: 'creating', actions: 'clearRetryDue' } } },
        created: {},
        failed: {},
      },
    },
    /** The confirmation, once the subscription was made or failed. */
    confirmation: {
      initial: 'notYet',
      states: {
        notYet: {
          always: {
            guard: ({ context }) =>
              context.fulfilled &&
              !context.textsDecided.includes('confirmation') &&
              (context.subscription !== null || context.subscriptionError !== null),
            target: 'decided',
            actions: 'decideConfirmation',
          },
        },
        decided: {},
      },
    },
    /** Every change reaches the record (and every text the outbox) through this effect. */
    record: {
      initial: 'idle',
      states: {
        idle: { always: { guard: 'hasWork', target: 'writing' } },
        writing: {
          tags: ['effect'],
          meta: { effect: 'writeRecord' },
          on: {
            'record.written': {
              target: 'idle',
              actions: assign(({ context, event }) => ({
                written: { ...context.written, ...event.fields },
                texts: context.texts.slice(event.texts),
              })),
            },
            'effect.failed': {
              guard: 'writeFailed',
              target: 'waitingToRetry',
              actions: 'markRetryDue',
            },
          },
        },
        waitingToRetry: { on: { retry: { target: 'writing', actions: 'clearRetryDue' } } },
      },
    },
  },
});
