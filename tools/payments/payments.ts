export type BillingRequestInput = {
  /** The same key always gives the same billing request: a retry never makes a second one. */
  idempotencyKey: string;
  signingOnFeePence: number;
  description: string;
  metadata: Record<string, string>;
};

/** Direct Debit set-up with the payment provider (GoCardless for the club). */
export interface Payments {
  createBillingRequest(
    input: BillingRequestInput,
    signal?: AbortSignal,
  ): Promise<{ billingRequestId: string }>;
}
