import { Environments, GoCardlessClient } from 'gocardless-nodejs';
import { IdempotentCreationConflictError } from 'gocardless-nodejs/errors';
import { z } from 'zod';
import { ToolUnavailableError } from '../tool.ts';
import { configureGoCardlessClient, failureSummary, toPortError } from './gocardless-client.ts';
import { PaymentMetadata, PaymentRejectedError, type Payments } from './port.ts';

export { configureGoCardlessClient } from './gocardless-client.ts';

export type GoCardlessConfig = {
  accessToken: string;
  environment: 'sandbox' | 'live';
  /** Another host speaking GoCardless's API (a local fake in tests); the environment's otherwise. */
  baseUrl?: string;
  /** Per call, including the read that answers an idempotency conflict; 10 s by default. */
  timeoutMs?: number;
};

const SERVICE = 'payments';
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const BillingRequestReply = z.object({
  id: z.string().min(1),
  status: z.enum(['pending', 'ready_to_fulfil', 'fulfilling', 'fulfilled', 'cancelled']),
  links: z
    .object({
      mandate_request_mandate: z.string().min(1).optional(),
      payment_request_payment: z.string().min(1).optional(),
    })
    .default({}),
});
const FlowReply = z.object({ id: z.string().min(1), authorisation_url: z.url() });
const MandateReply = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  next_possible_charge_date: IsoDate.nullish(),
});
const PaymentReply = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  amount: z.int(),
  charge_date: IsoDate,
  links: z.object({ subscription: z.string().min(1).optional() }).default({}),
});
const SubscriptionReply = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  start_date: IsoDate,
});
const DEAD_SUBSCRIPTION = new Set(['cancelled', 'finished']);

/** Refuses metadata GoCardless would refuse, before anything is sent. */
function checkMetadata(metadata: unknown): PaymentMetadata {
  const result = PaymentMetadata.safeParse(metadata);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    field: 'metadata',
    message: issue.message,
  }));
  throw new PaymentRejectedError('Invalid metadata', 'validation_failed', errors);
}

/** The GoCardless adapter of the Payments port, on `gocardless-nodejs`. */
export function createGoCardlessPayments(config: GoCardlessConfig): Payments {
  const timeoutMs = config.timeoutMs ?? 10_000;
  const environment = config.environment === 'live' ? Environments.Live : Environments.Sandbox;
  // Conflicts are resolved here: the SDK's own fallback cannot read a flow back.
  const client = new GoCardlessClient(config.accessToken, environment, {
    raiseOnIdempotencyConflict: true,
  });
  configureGoCardlessClient(client, {
    ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
    timeoutMs,
    retry: false,
  });

  /** Runs one call under the timeout joined with the caller's signal, mapping its failures. */
  async function call<T>(run: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const stop = signal ? AbortSignal.any([signal, timeout]) : timeout;
    if (stop.aborted) {
      throw new ToolUnavailableError(SERVICE, { cause: failureSummary(stop.reason) });
    }
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () =>
        reject(new ToolUnavailableError(SERVICE, { cause: failureSummary(stop.reason) }));
      stop.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([run(), aborted]);
    } catch (error) {
      throw toPortError(error);
    } finally {
      stop.removeEventListener('abort', onAbort);
    }
  }

  /** Creates, or on a repeated idempotency key reads back what that key created. */
  async function create<T>(make: () => Promise<T>, readBack: (id: string) => Promise<T>) {
    try {
      return await make();
    } catch (error) {
      if (error instanceof IdempotentCreationConflictError) {
        return readBack(error.conflictingResourceId);
      }
      throw error;
    }
  }

  const readSubscription = async (id: string) =>
    SubscriptionReply.parse(await client.subscriptions.find(id));

  return {
    async createBillingRequest(input, signal) {
      const metadata = checkMetadata(input.metadata);
      return call(async () => {
        const reply = await create(
          () =>
            client.billingRequests.create(
              {
                payment_request: {
                  amount: input.signingOnFeePence,
                  currency: input.currency,
                  description: input.description,
                },
                mandate_request: { currency: input.currency, scheme: 'bacs' },
                metadata,
              },
              input.idempotencyKey,
            ),
          (id) => client.billingRequests.find(id),
        );
        return { billingRequestId: BillingRequestReply.parse(reply).id };
      }, signal);
    },

    createBillingRequestFlow(input, signal) {
      const customer = input.prefilledCustomer;
      return call(async () => {
        try {
          const reply = await client.billingRequestFlows.create(
            {
              links: { billing_request: input.billingRequestId },
              redirect_uri: input.redirectUri,
              exit_uri: input.exitUri,
              prefilled_customer: {
                given_name: customer.given_name,
                family_name: customer.family_name,
                email: customer.email,
                address_line1: customer.address_line1,
                city: customer.city,
                postal_code: customer.postal_code,
                country_code: 'GB',
              },
            },
            input.idempotencyKey,
          );
          const flow = FlowReply.parse(reply);
          return { authorisationUrl: flow.authorisation_url, flowId: flow.id };
        } catch (error) {
          // A flow cannot be read back, so a reused key is the caller's mistake: one key per click.
          if (error instanceof IdempotentCreationConflictError) {
            throw new PaymentRejectedError(error.message, 'idempotent_creation_conflict', [], {
              cause: failureSummary(error),
            });
          }
          throw error;
        }
      }, signal);
    },

    getBillingRequest(id, signal) {
      return call(async () => {
        const reply = BillingRequestReply.parse(await client.billingRequests.find(id));
        return {
          id: reply.id,
          status: reply.status,
          mandateId: reply.links.mandate_request_mandate ?? null,
          paymentId: reply.links.payment_request_payment ?? null,
        };
      }, signal);
    },

    getMandate(id, signal) {
      return call(async () => {
        const reply = MandateReply.parse(await client.mandates.find(id));
        return {
          id: reply.id,
          status: reply.status,
          nextPossibleChargeDate: reply.next_possible_charge_date ?? null,
        };
      }, signal);
    },

    getPayment(id, signal) {
      return call(async () => {
        const reply = PaymentReply.parse(await client.payments.find(id));
        return {
          id: reply.id,
          status: reply.status,
          amountPence: reply.amount,
          chargeDate: reply.charge_date,
          subscriptionId: reply.links.subscription ?? null,
        };
      }, signal);
    },

    async createSubscription(input, signal) {
      const metadata = checkMetadata(input.metadata);
      return call(async () => {
        const reply = await create(
          async () =>
            SubscriptionReply.parse(
              await client.subscriptions.create(
                {
                  amount: input.amountPence,
                  currency: 'GBP',
                  interval_unit: 'monthly',
                  day_of_month: input.dayOfMonth,
                  start_date: input.startDate,
                  count: input.count,
                  ...(input.name ? { name: input.name } : {}),
                  metadata,
                  links: { mandate: input.mandateId },
                },
                input.idempotencyKey,
              ),
            ),
          readSubscription,
        );
        return { subscriptionId: reply.id, startDate: reply.start_date };
      }, signal);
    },

    cancelSubscription(id, idempotencyKey, signal) {
      return call(async () => {
        try {
          await client.subscriptions.cancel(id, {}, { 'Idempotency-Key': idempotencyKey });
        } catch (error) {
          // Already cancelled (a retry, or the parent cancelled at the bank): that is done too.
          const mapped = toPortError(error);
          if (!(mapped instanceof PaymentRejectedError) || mapped.code === 'resource_not_found') {
            throw mapped;
          }
          const current = await readSubscription(id);
          if (!DEAD_SUBSCRIPTION.has(current.status)) throw mapped;
        }
      }, signal);
    },
  };
}
