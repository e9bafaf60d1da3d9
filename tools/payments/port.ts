import { z } from 'zod';

/** GoCardless's metadata rule: at most 3 keys (≤ 50 characters), string values (≤ 500). */
export const PaymentMetadata = z
  .record(z.string().min(1).max(50), z.string().max(500))
  .refine((metadata) => Object.keys(metadata).length <= 3, 'at most 3 metadata keys');
export type PaymentMetadata = z.infer<typeof PaymentMetadata>;

/** Every create call carries the caller's key: the same key never makes a second resource. */
type Idempotent = { idempotencyKey: string };

export type BillingRequestInput = Idempotent & {
  signingOnFeePence: number;
  /** Bacs Direct Debit is GBP only. */
  currency: 'GBP';
  description: string;
  metadata: PaymentMetadata;
};

/** The parent's details shown already filled in on the hosted payment page. */
export type PrefilledCustomer = {
  given_name: string;
  family_name: string;
  email: string;
  /** Kept for our own payment page: GoCardless's `prefilled_customer` has no phone field. */
  phone_number?: string;
  address_line1: string;
  city: string;
  postal_code: string;
};

export type BillingRequestFlowInput = Idempotent & {
  billingRequestId: string;
  /** Where the parent lands after paying. */
  redirectUri: string;
  /** Where the parent lands after leaving the page without paying. */
  exitUri: string;
  prefilledCustomer: PrefilledCustomer;
};

export type BillingRequestStatus =
  'pending' | 'ready_to_fulfil' | 'fulfilling' | 'fulfilled' | 'cancelled';

export type BillingRequest = {
  id: string;
  status: BillingRequestStatus;
  /** The mandate made when the request was fulfilled. */
  mandateId: string | null;
  /** The signing-on fee's payment, once made. */
  paymentId: string | null;
};

export type Mandate = {
  id: string;
  /** GoCardless's mandate status, e.g. `pending_submission`, `active`, `cancelled`. */
  status: string;
  /** The first date (YYYY-MM-DD) a collection may be charged; null once the mandate is dead. */
  nextPossibleChargeDate: string | null;
};

export type Payment = {
  id: string;
  /** GoCardless's payment status, e.g. `submitted`, `confirmed`, `failed`, `charged_back`. */
  status: string;
  amountPence: number;
  /** The date it is or was collected, YYYY-MM-DD: the month it counts for. */
  chargeDate: string;
  /** The subscription it belongs to; null for the signing-on fee. */
  subscriptionId: string | null;
};

export type SubscriptionInput = Idempotent & {
  mandateId: string;
  amountPence: number;
  /** 1–28, or -1 for the last working day of the month. */
  dayOfMonth: number;
  /** The first charge date, YYYY-MM-DD. */
  startDate: string;
  /** How many monthly payments. */
  count: number;
  /** Shown to the parent on their bank statement and notifications. */
  name?: string;
  metadata: PaymentMetadata;
};

/** Direct Debit with the payment provider (GoCardless for the club): the fee, mandate and subs. */
export interface Payments {
  createBillingRequest(
    input: BillingRequestInput,
    signal?: AbortSignal,
  ): Promise<{ billingRequestId: string }>;
  /** A fresh hosted payment page for a billing request: flows expire, so make one per click. */
  createBillingRequestFlow(
    input: BillingRequestFlowInput,
    signal?: AbortSignal,
  ): Promise<{ authorisationUrl: string; flowId: string }>;
  getBillingRequest(id: string, signal?: AbortSignal): Promise<BillingRequest>;
  getMandate(id: string, signal?: AbortSignal): Promise<Mandate>;
  /** A payment's charge date and subscription: payment events carry neither. */
  getPayment(id: string, signal?: AbortSignal): Promise<Payment>;
  createSubscription(
    input: SubscriptionInput,
    signal?: AbortSignal,
  ): Promise<{ subscriptionId: string; startDate: string }>;
  /** Cancels a subscription; cancelling one already cancelled or finished succeeds. */
  cancelSubscription(id: string, idempotencyKey: string, signal?: AbortSignal): Promise<void>;
}

/** One problem the provider found with a request, e.g. `{ field: 'amount', message: '…' }`. */
export type PaymentFieldError = { field?: string; reason?: string; message: string };

/**
 * The provider refused the request as sent (validation, wrong state, unknown id): retrying the same
 * request cannot succeed, so the caller records it rather than retrying.
 */
export class PaymentRejectedError extends Error {
  /** The provider's error type or reason, e.g. `validation_failed`, `invalid_state`. */
  readonly code: string;
  readonly fieldErrors: readonly PaymentFieldError[];
  constructor(
    message: string,
    code: string,
    fieldErrors: readonly PaymentFieldError[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PaymentRejectedError';
    this.code = code;
    this.fieldErrors = fieldErrors;
  }
}
