import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planSubscription } from '../../routines/subscription-plan.ts';
import { defaultClub } from '../../routines/club.ts';
import {
  PaymentRejectedError,
  type BillingRequestInput,
  type Payments,
} from '../../tools/payments/port.ts';

/** A Payments implementation under test, with the provider's side played by the harness. */
export type PaymentsHarness<P = Payments> = {
  payments: P;
  /** The parent pays the fee and authorises the mandate on the hosted page. */
  completeBillingRequest(id: string, nextPossibleChargeDate: string): Promise<void>;
  close(): Promise<void>;
};

export const aBillingRequest = (
  overrides: Partial<BillingRequestInput> = {},
): BillingRequestInput => ({
  idempotencyKey: 'reg-2526-liam-obrien-2015-04-02:billing-request',
  signingOnFeePence: defaultClub.fees.signingOnPence,
  currency: 'GBP',
  description: 'Urmston Town signing-on fee - Liam O’Brien',
  metadata: { registration_id: 'reg_1', team: 'Lions', age_group: 'U10' },
  ...overrides,
});

export const aCustomer = {
  given_name: 'Siobhan',
  family_name: 'O’Brien',
  email: 'siobhan@example.com',
  phone_number: '+447700900123',
  address_line1: '1 Moorside Road',
  city: 'Urmston',
  postal_code: 'M41 5SJ',
};

function useHarness<P>(make: () => Promise<PaymentsHarness<P>>) {
  const current: { harness: PaymentsHarness<P> | null } = { harness: null };
  beforeEach(async () => {
    current.harness = await make();
  });
  afterEach(async () => {
    await current.harness?.close();
    current.harness = null;
  });
  return () => {
    if (!current.harness) throw new Error('no harness');
    return current.harness;
  };
}

/** What every Payments implementation does with billing requests, the simulator included. */
export function billingRequestContract(
  make: () => Promise<PaymentsHarness<Pick<Payments, 'createBillingRequest'>>>,
) {
  describe('billing requests', () => billingRequests(make));
}

function billingRequests(
  make: () => Promise<PaymentsHarness<Pick<Payments, 'createBillingRequest'>>>,
) {
  const harness = useHarness(make);

  it('makes one billing request per idempotency key', async () => {
    const { payments } = harness();
    const first = await payments.createBillingRequest(aBillingRequest());
    const again = await payments.createBillingRequest(aBillingRequest());
    const other = await payments.createBillingRequest(
      aBillingRequest({ idempotencyKey: 'another' }),
    );
    expect(again).toEqual(first);
    expect(other.billingRequestId).not.toBe(first.billingRequestId);
  });
}

/** The whole port: the flow, the mandate, the subscription and its cancellation. */
export function paymentsContract(make: () => Promise<PaymentsHarness>) {
  billingRequestContract(make);
  describe('payment page, mandate and subscription', () => wholePort(make));
}

function wholePort(make: () => Promise<PaymentsHarness>) {
  const harness = useHarness(make);

  const fulfilled = async (nextPossibleChargeDate = '2025-09-03') => {
    const { payments, completeBillingRequest } = harness();
    const { billingRequestId } = await payments.createBillingRequest(aBillingRequest());
    await completeBillingRequest(billingRequestId, nextPossibleChargeDate);
    return payments.getBillingRequest(billingRequestId);
  };

  it('makes a fresh payment page on each call', async () => {
    const { payments } = harness();
    const { billingRequestId } = await payments.createBillingRequest(aBillingRequest());
    const flow = (key: string) =>
      payments.createBillingRequestFlow({
        idempotencyKey: key,
        billingRequestId,
        redirectUri: 'https://club.example/reg_setup/done',
        exitUri: 'https://club.example/reg_setup/exit',
        prefilledCustomer: aCustomer,
      });
    const [first, second] = [await flow('click-1'), await flow('click-2')];
    expect(new URL(first.authorisationUrl).protocol).toMatch(/^https?:$/);
    expect(second.flowId).not.toBe(first.flowId);
  });

  it('reads a new billing request as pending, with no mandate or payment yet', async () => {
    const { payments } = harness();
    const { billingRequestId } = await payments.createBillingRequest(aBillingRequest());
    expect(await payments.getBillingRequest(billingRequestId)).toEqual({
      id: billingRequestId,
      status: 'pending',
      mandateId: null,
      paymentId: null,
    });
  });

  it('reads a paid billing request as fulfilled, with its mandate and fee payment', async () => {
    const request = await fulfilled('2025-09-03');
    expect(request.status).toBe('fulfilled');
    const mandate = await harness().payments.getMandate(request.mandateId ?? '');
    expect(mandate).toMatchObject({ id: request.mandateId, nextPossibleChargeDate: '2025-09-03' });
    const fee = await harness().payments.getPayment(request.paymentId ?? '');
    expect(fee).toMatchObject({ amountPence: 4500, subscriptionId: null });
  });

  it('makes the planned subscription once per idempotency key', async () => {
    const { mandateId } = await fulfilled('2025-09-03');
    const mandate = await harness().payments.getMandate(mandateId ?? '');
    const plan = planSubscription({
      season: defaultClub.season,
      registeredOn: '2025-08-28',
      paymentDay: 1,
      mandateNextPossibleChargeDate: mandate.nextPossibleChargeDate ?? '',
      monthlyFeePence: 2750,
      siblingDiscountPercent: 10,
      hasSibling: true,
    });
    if (!plan) throw new Error('expected a plan');
    const input = {
      idempotencyKey: 'reg-2526-liam-obrien-2015-04-02:subscription',
      mandateId: mandate.id,
      amountPence: plan.amountPence,
      dayOfMonth: plan.dayOfMonth,
      startDate: plan.startDate,
      count: plan.count,
      metadata: { registration_id: 'reg_1' },
    };
    const first = await harness().payments.createSubscription(input);
    const again = await harness().payments.createSubscription(input);
    expect(first).toEqual({ subscriptionId: again.subscriptionId, startDate: '2025-10-01' });
  });

  it('cancels a subscription, and cancelling it again succeeds', async () => {
    const { mandateId } = await fulfilled();
    const { subscriptionId } = await harness().payments.createSubscription({
      idempotencyKey: 'sub',
      mandateId: mandateId ?? '',
      amountPence: 2750,
      dayOfMonth: 15,
      startDate: '2025-09-15',
      count: 9,
      metadata: {},
    });
    await harness().payments.cancelSubscription(subscriptionId, 'cancel-1');
    await expect(
      harness().payments.cancelSubscription(subscriptionId, 'cancel-2'),
    ).resolves.toBeUndefined();
  });

  it('refuses an unknown mandate without retrying', async () => {
    await expect(harness().payments.getMandate('MD_UNKNOWN')).rejects.toBeInstanceOf(
      PaymentRejectedError,
    );
  });
}
