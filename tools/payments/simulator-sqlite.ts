import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ensureSchema, inWriteTransaction, type SqliteDatabase } from '../sqlite/database.ts';
import {
  PaymentMetadata,
  PaymentRejectedError,
  type BillingRequestStatus,
  type Payments,
  type PrefilledCustomer,
} from './port.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS simulated_payment_resources (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  idempotency_key TEXT,
  json TEXT NOT NULL,
  PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS simulated_payment_resources_key
  ON simulated_payment_resources (kind, idempotency_key);
CREATE VIEW IF NOT EXISTS simulated_billing_requests AS
  SELECT id, idempotency_key, json FROM simulated_payment_resources WHERE kind = 'billing_requests';
`;

type Kind = 'billing_requests' | 'flows' | 'mandates' | 'payments' | 'subscriptions';

const PREFIX: Record<Kind, string> = {
  billing_requests: 'BRQSIM',
  flows: 'BRFSIM',
  mandates: 'MDSIM',
  payments: 'PMSIM',
  subscriptions: 'SBSIM',
};

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const BillingRequestRow = z.object({
  id: z.string(),
  status: z.enum(['pending', 'ready_to_fulfil', 'fulfilling', 'fulfilled', 'cancelled']),
  amountPence: z.int(),
  description: z.string(),
  metadata: z.record(z.string(), z.string()),
  mandateId: z.string().nullable(),
  paymentId: z.string().nullable(),
});
const FlowRow = z.object({
  id: z.string(),
  billingRequestId: z.string(),
  redirectUri: z.string(),
  exitUri: z.string(),
  customer: z.object({
    given_name: z.string(),
    family_name: z.string(),
    email: z.string(),
    address_line1: z.string(),
    city: z.string(),
    postal_code: z.string(),
  }),
});
const MandateRow = z.object({
  id: z.string(),
  status: z.string(),
  nextPossibleChargeDate: IsoDate.nullable(),
});
const PaymentRow = z.object({
  id: z.string(),
  status: z.string(),
  amountPence: z.int(),
  chargeDate: IsoDate,
  subscriptionId: z.string().nullable(),
  mandateId: z.string(),
});
const SubscriptionRow = z.object({
  id: z.string(),
  status: z.string(),
  mandateId: z.string(),
  amountPence: z.int(),
  dayOfMonth: z.int(),
  startDate: IsoDate,
  count: z.int(),
  metadata: z.record(z.string(), z.string()),
});
const SCHEMAS = {
  billing_requests: BillingRequestRow,
  flows: FlowRow,
  mandates: MandateRow,
  payments: PaymentRow,
  subscriptions: SubscriptionRow,
} as const;
type Row<K extends Kind> = z.infer<(typeof SCHEMAS)[K]>;

/** An event shaped as GoCardless delivers it in a webhook (API 2015-07-06). */
export type SimulatedEvent = {
  id: string;
  created_at: string;
  resource_type: string;
  action: string;
  links: Record<string, string>;
  details: { origin: string; cause: string; description: string };
  metadata: Record<string, string>;
  resource_metadata?: Record<string, string>;
};

/** What the simulator's payment page shows for one flow. */
export type SimulatedFlow = {
  flowId: string;
  billingRequestId: string;
  status: BillingRequestStatus;
  feePence: number;
  description: string;
  customer: PrefilledCustomer;
  redirectUri: string;
  exitUri: string;
};

/** The simulator: the Payments port, plus the hosted page's side that GoCardless would play. */
export type SimulatedPayments = Payments & {
  /** The flow behind a payment page; null for an unknown one. */
  flow(flowId: string): Promise<SimulatedFlow | null>;
  /**
   * The parent pays the fee and authorises the Direct Debit: the billing request is fulfilled
   * (once) and the events GoCardless would send are returned; none when it was done already.
   */
  fulfil(
    billingRequestId: string,
    options?: { nextPossibleChargeDate?: string; at?: Date },
  ): Promise<SimulatedEvent[]>;
  /** One monthly collection of a subscription and its events up to `outcome`. */
  collect(
    subscriptionId: string,
    options: { chargeDate: string; outcome: 'confirmed' | 'failed'; at?: Date },
  ): Promise<SimulatedEvent[]>;
  /**
   * Deletes everything the simulator holds for one registration (an erasure): its billing
   * requests, their payment pages (the parent's prefilled details), mandates, payments and
   * subscriptions. How many resources went.
   */
  forget(registrationId: string): Promise<number>;
};

const newId = (kind: Kind) => `${PREFIX[kind]}${randomBytes(8).toString('hex').toUpperCase()}`;
const addDays = (date: Date, days: number) =>
  new Date(date.getTime() + days * 86_400_000).toISOString().slice(0, 10);

const notFound = (kind: Kind, id: string) =>
  new PaymentRejectedError(`No ${kind} ${id}`, 'resource_not_found', []);

/**
 * The offline payment simulator (no GoCardless configured) keeping what it made in the SQLite
 * file: the same idempotency key always gives the same resource, across processes too.
 */
export function createSqliteSimulatedPayments(
  db: SqliteDatabase,
  now = () => new Date(),
): SimulatedPayments {
  ensureSchema(db, SCHEMA);
  const statements = {
    insert: db.prepare(
      `INSERT OR IGNORE INTO simulated_payment_resources (kind, id, idempotency_key, json)
       VALUES (?, ?, ?, ?)`,
    ),
    update: db.prepare('UPDATE simulated_payment_resources SET json = ? WHERE kind = ? AND id = ?'),
    byId: db.prepare('SELECT json FROM simulated_payment_resources WHERE kind = ? AND id = ?'),
    byKey: db.prepare(
      'SELECT json FROM simulated_payment_resources WHERE kind = ? AND idempotency_key = ?',
    ),
  };
  const JsonRow = z.object({ json: z.string() });
  const forgetting = {
    owned: db.prepare(
      `SELECT kind, json FROM simulated_payment_resources
       WHERE kind IN ('billing_requests', 'subscriptions')
         AND json_extract(json, '$.metadata.registration_id') = ?`,
    ),
    byMandate: db.prepare(
      `SELECT id FROM simulated_payment_resources
       WHERE kind = 'payments' AND json_extract(json, '$.mandateId') = ?`,
    ),
    flowsOf: db.prepare(
      `SELECT id FROM simulated_payment_resources
       WHERE kind = 'flows' AND json_extract(json, '$.billingRequestId') = ?`,
    ),
    remove: db.prepare('DELETE FROM simulated_payment_resources WHERE kind = ? AND id = ?'),
  };
  const OwnedRow = z.object({
    kind: z.enum(['billing_requests', 'subscriptions']),
    json: z.string(),
  });
  const IdRow = z.object({ id: z.string() });

  function read<K extends Kind>(kind: K, id: string): Row<K> | null {
    const row = statements.byId.get(kind, id);
    if (row === undefined) return null;
    return SCHEMAS[kind].parse(JSON.parse(JsonRow.parse(row).json)) as Row<K>;
  }
  function need<K extends Kind>(kind: K, id: string): Row<K> {
    const row = read(kind, id);
    if (!row) throw notFound(kind, id);
    return row;
  }
  const write = <K extends Kind>(kind: K, row: Row<K>) =>
    statements.update.run(JSON.stringify(row), kind, row.id);

  /** Inserts unless the key was used before; the resource the key made either way. */
  function insert<K extends Kind>(kind: K, key: string | null, row: Row<K>): Row<K> {
    statements.insert.run(kind, row.id, key, JSON.stringify(row));
    if (key === null) return row;
    const made = statements.byKey.get(kind, key);
    return SCHEMAS[kind].parse(JSON.parse(JsonRow.parse(made).json)) as Row<K>;
  }
  /** `insert` in its own transaction. */
  const create = <K extends Kind>(kind: K, key: string | null, row: Row<K>) =>
    inWriteTransaction(db, 'payments', () => insert(kind, key, row));

  const event = (
    type: string,
    links: Record<string, string>,
    at: Date,
    metadata: Record<string, string> = {},
  ): SimulatedEvent => {
    const [resource_type = '', action = ''] = type.split('.');
    return {
      id: `EVSIM${randomBytes(8).toString('hex').toUpperCase()}`,
      created_at: at.toISOString(),
      resource_type,
      action,
      links,
      details: { origin: 'payer', cause: `${resource_type}_${action}`, description: type },
      metadata: {},
      ...(Object.keys(metadata).length > 0 ? { resource_metadata: metadata } : {}),
    };
  };

  return {
    async forget(registrationId) {
      return inWriteTransaction(db, 'payments', () => {
        const doomed = new Map<string, Kind>();
        const mandates = new Set<string>();
        for (const row of forgetting.owned.all(registrationId)) {
          const { kind, json } = OwnedRow.parse(row);
          const resource = SCHEMAS[kind].parse(JSON.parse(json));
          doomed.set(resource.id, kind);
          if (resource.mandateId) mandates.add(resource.mandateId);
          if ('paymentId' in resource && resource.paymentId)
            doomed.set(resource.paymentId, 'payments');
          if (kind === 'billing_requests') {
            for (const flow of forgetting.flowsOf.all(resource.id)) {
              doomed.set(IdRow.parse(flow).id, 'flows');
            }
          }
        }
        for (const mandateId of mandates) {
          doomed.set(mandateId, 'mandates');
          for (const payment of forgetting.byMandate.all(mandateId)) {
            doomed.set(IdRow.parse(payment).id, 'payments');
          }
        }
        let removed = 0;
        for (const [id, kind] of doomed) removed += forgetting.remove.run(kind, id).changes;
        return removed;
      });
    },

    async createBillingRequest(input) {
      const metadata = PaymentMetadata.safeParse(input.metadata);
      if (!metadata.success) {
        throw new PaymentRejectedError('Invalid metadata', 'validation_failed', [
          { field: 'metadata', message: metadata.error.message },
        ]);
      }
      const digest = createHash('sha256').update(input.idempotencyKey).digest('hex').slice(0, 12);
      const made = await create('billing_requests', input.idempotencyKey, {
        id: `${PREFIX.billing_requests}${digest.toUpperCase()}`,
        status: 'pending',
        amountPence: input.signingOnFeePence,
        description: input.description,
        metadata: metadata.data,
        mandateId: null,
        paymentId: null,
      });
      return { billingRequestId: made.id };
    },

    async createBillingRequestFlow(input) {
      need('billing_requests', input.billingRequestId);
      const made = await create('flows', input.idempotencyKey, {
        id: newId('flows'),
        billingRequestId: input.billingRequestId,
        redirectUri: input.redirectUri,
        exitUri: input.exitUri,
        customer: input.prefilledCustomer,
      });
      // The simulator's page is served by the app itself, next to the redirect page.
      const page = new URL(`/simulator/pay/${made.id}`, input.redirectUri);
      return { authorisationUrl: page.href, flowId: made.id };
    },

    async getBillingRequest(id) {
      const request = need('billing_requests', id);
      return {
        id,
        status: request.status,
        mandateId: request.mandateId,
        paymentId: request.paymentId,
      };
    },

    async getMandate(id) {
      const { status, nextPossibleChargeDate } = need('mandates', id);
      return { id, status, nextPossibleChargeDate };
    },

    async getPayment(id) {
      const { status, amountPence, chargeDate, subscriptionId } = need('payments', id);
      return { id, status, amountPence, chargeDate, subscriptionId };
    },

    async createSubscription(input) {
      const metadata = PaymentMetadata.parse(input.metadata);
      const mandate = need('mandates', input.mandateId);
      if (mandate.nextPossibleChargeDate && input.startDate < mandate.nextPossibleChargeDate) {
        throw new PaymentRejectedError('Validation failed', 'validation_failed', [
          { field: 'start_date', message: 'must be on or after the mandate’s next charge date' },
        ]);
      }
      const made = await create('subscriptions', input.idempotencyKey, {
        id: newId('subscriptions'),
        status: 'active',
        mandateId: input.mandateId,
        amountPence: input.amountPence,
        dayOfMonth: input.dayOfMonth,
        startDate: input.startDate,
        count: input.count,
        metadata,
      });
      return { subscriptionId: made.id, startDate: made.startDate };
    },

    async cancelSubscription(id) {
      const subscription = need('subscriptions', id);
      if (subscription.status !== 'cancelled') {
        write('subscriptions', { ...subscription, status: 'cancelled' });
      }
    },

    async flow(flowId) {
      const flow = read('flows', flowId);
      if (!flow) return null;
      const request = need('billing_requests', flow.billingRequestId);
      return {
        flowId,
        billingRequestId: request.id,
        status: request.status,
        feePence: request.amountPence,
        description: request.description,
        customer: flow.customer,
        redirectUri: flow.redirectUri,
        exitUri: flow.exitUri,
      };
    },

    async fulfil(billingRequestId, options = {}) {
      const at = options.at ?? now();
      const nextPossibleChargeDate = options.nextPossibleChargeDate ?? addDays(at, 4);
      return inWriteTransaction(db, 'payments', () => {
        const request = need('billing_requests', billingRequestId);
        if (request.status === 'fulfilled') return [];
        const mandate = insert('mandates', null, {
          id: newId('mandates'),
          status: 'active',
          nextPossibleChargeDate,
        });
        const payment = insert('payments', null, {
          id: newId('payments'),
          status: 'confirmed',
          amountPence: request.amountPence,
          chargeDate: at.toISOString().slice(0, 10),
          subscriptionId: null,
          mandateId: mandate.id,
        });
        write('billing_requests', {
          ...request,
          status: 'fulfilled',
          mandateId: mandate.id,
          paymentId: payment.id,
        });
        const br = { billing_request: billingRequestId };
        return [
          event(
            'billing_requests.fulfilled',
            { ...br, mandate_request_mandate: mandate.id, payment_request_payment: payment.id },
            at,
            request.metadata,
          ),
          event('mandates.created', { mandate: mandate.id }, at),
          event('payments.created', { payment: payment.id, mandate: mandate.id }, at),
          event('payments.confirmed', { payment: payment.id }, at),
          event('mandates.submitted', { mandate: mandate.id }, at),
          event('mandates.active', { mandate: mandate.id }, at),
        ];
      });
    },

    async collect(subscriptionId, { chargeDate, outcome, at = now() }) {
      const subscription = need('subscriptions', subscriptionId);
      const payment = await create('payments', null, {
        id: newId('payments'),
        status: outcome,
        amountPence: subscription.amountPence,
        chargeDate,
        subscriptionId,
        mandateId: subscription.mandateId,
      });
      const links = { payment: payment.id, subscription: subscriptionId };
      return [
        event('subscriptions.payment_created', links, at),
        event('payments.created', links, at),
        event('payments.submitted', links, at),
        event(`payments.${outcome}`, links, at),
      ];
    },
  };
}
