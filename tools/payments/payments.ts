import { createHash } from 'node:crypto';
import { openJsonFile } from '../json-file.ts';

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

type Data = {
  billingRequests: Record<string, { id: string; createdAt: string } & BillingRequestInput>;
};

/**
 * The offline payment simulator used with no GoCardless configured. It plays GoCardless's part of
 * the flow and keeps what it created under DATA_DIR.
 */
export async function createSimulatedPayments(
  path: string | null,
  now = () => new Date(),
): Promise<Payments> {
  const file = await openJsonFile<Data>(path, () => ({ billingRequests: {} }));
  return {
    async createBillingRequest(input) {
      const existing = file.read().billingRequests[input.idempotencyKey];
      if (existing) return { billingRequestId: existing.id };
      const digest = createHash('sha256').update(input.idempotencyKey).digest('hex').slice(0, 12);
      const id = `BRQSIM${digest.toUpperCase()}`;
      await file.update((data) => {
        data.billingRequests[input.idempotencyKey] = {
          ...input,
          id,
          createdAt: now().toISOString(),
        };
      });
      return { billingRequestId: id };
    },
  };
}
