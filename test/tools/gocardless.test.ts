import { GoCardlessClient, Environments } from 'gocardless-nodejs';
import { GoCardlessInternalError } from 'gocardless-nodejs/errors';
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteSimulatedPayments } from '../../tools/payments/simulator-sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import {
  configureGoCardlessClient,
  createGoCardlessPayments,
} from '../../tools/payments/gocardless.ts';
import { PaymentRejectedError, type Payments } from '../../tools/payments/port.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';
import {
  API_VERSION,
  serverError,
  startGoCardlessServer,
  validationFailed,
  type GoCardlessServer,
} from '../fakes/gocardless-server.ts';
import { aBillingRequest, aCustomer, paymentsContract } from '../contracts/payments.contract.ts';

const adapterOn = (fake: GoCardlessServer, timeoutMs = 2_000) =>
  createGoCardlessPayments({
    accessToken: fake.accessToken,
    environment: 'sandbox',
    baseUrl: fake.baseUrl,
    timeoutMs,
  });

describe('GoCardless adapter against the local GoCardless', () => {
  paymentsContract(async () => {
    const fake = await startGoCardlessServer();
    return {
      payments: adapterOn(fake),
      completeBillingRequest: async (id, nextPossibleChargeDate) => {
        fake.completeBillingRequest(id, { nextPossibleChargeDate });
      },
      close: () => fake.close(),
    };
  });
});

describe('the offline simulator', () => {
  paymentsContract(async () => {
    const payments = createSqliteSimulatedPayments(openDatabase(':memory:'));
    return {
      payments,
      completeBillingRequest: async (id, nextPossibleChargeDate) => {
        await payments.fulfil(id, { nextPossibleChargeDate });
      },
      close: async () => {},
    };
  });

  it("forgets one registration's resources (an erasure) and keeps everyone else's", async () => {
    const payments = createSqliteSimulatedPayments(openDatabase(':memory:'));
    const flowFor = async (registrationId: string) => {
      const { billingRequestId } = await payments.createBillingRequest(
        aBillingRequest({
          idempotencyKey: `${registrationId}.billing-request`,
          metadata: { registration_id: registrationId },
        }),
      );
      const { flowId } = await payments.createBillingRequestFlow({
        idempotencyKey: `${registrationId}.flow`,
        billingRequestId,
        redirectUri: 'http://localhost:3000/reg_setup/done',
        exitUri: 'http://localhost:3000/reg_setup/exit',
        prefilledCustomer: aCustomer,
      });
      const events = await payments.fulfil(billingRequestId, {
        nextPossibleChargeDate: '2025-09-03',
      });
      const mandateId = events.find((event) => event.resource_type === 'mandates')?.links.mandate;
      await payments.createSubscription({
        idempotencyKey: `${registrationId}.subscription`,
        mandateId: mandateId ?? '',
        amountPence: 2750,
        dayOfMonth: 15,
        startDate: '2025-09-15',
        count: 9,
        metadata: { registration_id: registrationId },
      });
      return { billingRequestId, flowId };
    };
    const erased = await flowFor('reg-erased');
    const kept = await flowFor('reg-kept');
    // billing request, flow, mandate, fee payment and subscription
    expect(await payments.forget('reg-erased')).toBe(5);
    expect(await payments.flow(erased.flowId)).toBeNull();
    await expect(payments.getBillingRequest(erased.billingRequestId)).rejects.toThrow();
    expect((await payments.flow(kept.flowId))?.customer.given_name).toBe('Siobhan');
    expect(await payments.forget('reg-erased')).toBe(0);
  });
});

describe('GoCardless adapter on the wire', () => {
  let fake: GoCardlessServer;
  let payments: Payments;
  beforeEach(async () => {
    fake = await startGoCardlessServer();
    payments = adapterOn(fake);
  });
  afterEach(() => fake.close());

  const posts = () => fake.requests.filter((request) => request.method === 'POST');
  const count = (collection: string) => fake.resources.get(collection)?.size ?? 0;
  const aMandate = async (nextPossibleChargeDate = '2025-09-03') => {
    const { billingRequestId } = await payments.createBillingRequest(aBillingRequest());
    return fake.completeBillingRequest(billingRequestId, { nextPossibleChargeDate }).mandateId;
  };
  const aSubscription = (mandateId: string, idempotencyKey = 'reg-1:subscription') => ({
    idempotencyKey,
    mandateId,
    amountPence: 2475,
    dayOfMonth: -1,
    startDate: '2025-09-30',
    count: 9,
    name: 'Urmston Town monthly subs 2025-26',
    metadata: { registration_id: 'reg_1' },
  });

  it('sends the billing request exactly, with our key, version and token', async () => {
    await payments.createBillingRequest(aBillingRequest());
    expect(fake.requests).toEqual([
      {
        method: 'POST',
        route: 'POST /billing_requests',
        path: '/billing_requests',
        idempotencyKey: 'reg-2526-liam-obrien-2015-04-02:billing-request',
        version: API_VERSION,
        authorization: `Bearer ${fake.accessToken}`,
        body: {
          billing_requests: {
            payment_request: {
              amount: 4500,
              currency: 'GBP',
              description: 'Urmston Town signing-on fee - Liam O’Brien',
            },
            mandate_request: { currency: 'GBP', scheme: 'bacs' },
            metadata: { registration_id: 'reg_1', team: 'Lions', age_group: 'U10' },
          },
        },
      },
    ]);
  });

  it('sends the flow with the parent prefilled (GoCardless takes no phone number)', async () => {
    const { billingRequestId } = await payments.createBillingRequest(aBillingRequest());
    const flow = await payments.createBillingRequestFlow({
      idempotencyKey: 'reg-1:flow:click-1',
      billingRequestId,
      redirectUri: 'https://club.example/reg_setup/done',
      exitUri: 'https://club.example/reg_setup/exit',
      prefilledCustomer: aCustomer,
    });
    expect(flow.authorisationUrl).toMatch(/^https:\/\/pay-sandbox\.gocardless\.com\//);
    expect(fake.requests.at(-1)).toMatchObject({
      idempotencyKey: 'reg-1:flow:click-1',
      body: {
        billing_request_flows: {
          links: { billing_request: billingRequestId },
          redirect_uri: 'https://club.example/reg_setup/done',
          exit_uri: 'https://club.example/reg_setup/exit',
          prefilled_customer: {
            given_name: 'Siobhan',
            family_name: 'O’Brien',
            email: 'siobhan@example.com',
            address_line1: '1 Moorside Road',
            city: 'Urmston',
            postal_code: 'M41 5SJ',
            country_code: 'GB',
          },
        },
      },
    });
  });

  it('refuses a flow key used twice: a flow cannot be read back', async () => {
    const { billingRequestId } = await payments.createBillingRequest(aBillingRequest());
    const input = {
      idempotencyKey: 'same-click',
      billingRequestId,
      redirectUri: 'https://club.example/done',
      exitUri: 'https://club.example/exit',
      prefilledCustomer: aCustomer,
    };
    await payments.createBillingRequestFlow(input);
    await expect(payments.createBillingRequestFlow(input)).rejects.toMatchObject({
      name: 'PaymentRejectedError',
      code: 'idempotent_creation_conflict',
    });
  });

  it('sends the subscription exactly, and the cancel with our key', async () => {
    const mandateId = await aMandate();
    const { subscriptionId, startDate } = await payments.createSubscription(
      aSubscription(mandateId),
    );
    await payments.cancelSubscription(subscriptionId, 'reg-1:cancel');
    expect(startDate).toBe('2025-09-30');
    expect(posts().slice(-2)).toMatchObject([
      {
        route: 'POST /subscriptions',
        idempotencyKey: 'reg-1:subscription',
        body: {
          subscriptions: {
            amount: 2475,
            currency: 'GBP',
            interval_unit: 'monthly',
            day_of_month: -1,
            start_date: '2025-09-30',
            count: 9,
            name: 'Urmston Town monthly subs 2025-26',
            metadata: { registration_id: 'reg_1' },
            links: { mandate: mandateId },
          },
        },
      },
      { route: 'POST /subscriptions/:id/actions/cancel', idempotencyKey: 'reg-1:cancel' },
    ]);
    expect(posts().every((request) => request.idempotencyKey !== null)).toBe(true);
  });

  it('turns a 409 idempotency conflict into the resource the key made', async () => {
    const first = await payments.createBillingRequest(aBillingRequest());
    const again = await payments.createBillingRequest(aBillingRequest());
    expect(again).toEqual(first);
    expect(fake.requests.map((request) => request.route)).toEqual([
      'POST /billing_requests',
      'POST /billing_requests',
      'GET /billing_requests/:id',
    ]);
    expect(count('billing_requests')).toBe(1);
  });

  it.each([
    ['failed before creating', false],
    ['created, then the answer was lost', true],
  ])(
    'after a 5xx (%s) a retry with the same key gives one subscription',
    async (_case, afterCreate) => {
      const mandateId = await aMandate();
      fake.script('POST /subscriptions', serverError(502), { afterCreate });
      await expect(payments.createSubscription(aSubscription(mandateId))).rejects.toBeInstanceOf(
        ToolUnavailableError,
      );
      const retried = await payments.createSubscription(aSubscription(mandateId));
      expect(count('subscriptions')).toBe(1);
      expect(fake.resources.get('subscriptions')?.has(retried.subscriptionId)).toBe(true);
      const keys = posts()
        .filter((r) => r.route === 'POST /subscriptions')
        .map((r) => r.idempotencyKey);
      expect(keys).toEqual(['reg-1:subscription', 'reg-1:subscription']);
    },
  );

  it('turns a 422 into PaymentRejectedError with the field errors, sent once', async () => {
    const mandateId = await aMandate();
    fake.script(
      'POST /subscriptions',
      validationFailed({ field: 'amount', message: 'must be greater than or equal to 100' }),
    );
    const error = await payments
      .createSubscription(aSubscription(mandateId))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentRejectedError);
    expect(error).toMatchObject({
      code: 'validation_failed',
      fieldErrors: [{ field: 'amount', message: 'must be greater than or equal to 100' }],
    });
    expect(posts().filter((r) => r.route === 'POST /subscriptions')).toHaveLength(1);
  });

  it('gets the real 422 for a start before the mandate allows', async () => {
    const mandateId = await aMandate('2025-10-06');
    await expect(payments.createSubscription(aSubscription(mandateId))).rejects.toMatchObject({
      code: 'validation_failed',
      fieldErrors: [{ field: 'start_date' }],
    });
  });

  it.each([
    ['a 422', validationFailed({ field: 'prefilled_customer.email', message: 'is invalid' })],
    ['a 500', serverError(500)],
  ])('keeps the parent’s details out of the error after %s', async (_case, reply) => {
    const { billingRequestId } = await payments.createBillingRequest(aBillingRequest());
    fake.script('POST /billing_request_flows', reply);
    const error = await payments
      .createBillingRequestFlow({
        idempotencyKey: 'click',
        billingRequestId,
        redirectUri: 'https://club.example/done',
        exitUri: 'https://club.example/exit',
        prefilledCustomer: aCustomer,
      })
      .catch((e: unknown) => e);
    const printed = inspect(error, { depth: 10 });
    expect(printed).toMatch(/GoCardless HTTP (422|500)/);
    for (const detail of [aCustomer.email, aCustomer.address_line1, aCustomer.postal_code]) {
      expect(printed).not.toContain(detail);
    }
  });

  it('refuses metadata with more than 3 keys before sending anything', async () => {
    const input = aBillingRequest({ metadata: { a: '1', b: '2', c: '3', d: '4' } });
    await expect(payments.createBillingRequest(input)).rejects.toBeInstanceOf(PaymentRejectedError);
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    ['POST /billing_requests', () => payments.createBillingRequest(aBillingRequest())],
    ['GET /mandates/:id', () => payments.getMandate('MD0000000001')],
  ])('turns a 5xx on %s into ToolUnavailableError, sent once', async (route, run) => {
    fake.script(route, serverError(503));
    await expect(run()).rejects.toBeInstanceOf(ToolUnavailableError);
    expect(fake.requests.filter((request) => request.route === route)).toHaveLength(1);
  });

  it.each([
    ['a body that is not JSON', { status: 201, raw: '<html>oops</html>' }],
    ['JSON without the resource', { status: 201, body: { billing_requests: { id: 42 } } }],
    [
      '429 rate limited',
      {
        status: 429,
        body: {
          error: { type: 'invalid_api_usage', code: 429, message: 'Rate limited', errors: [] },
        },
      },
    ],
  ])('turns %s into ToolUnavailableError', async (_case, reply) => {
    fake.script('POST /billing_requests', reply);
    await expect(payments.createBillingRequest(aBillingRequest())).rejects.toBeInstanceOf(
      ToolUnavailableError,
    );
  });

  it('turns a wrong token into ToolUnavailableError', async () => {
    const wrong = createGoCardlessPayments({
      accessToken: 'nope',
      environment: 'live',
      baseUrl: fake.baseUrl,
    });
    await expect(wrong.getMandate('MD1')).rejects.toBeInstanceOf(ToolUnavailableError);
  });

  it('gives up on a hung GoCardless after the timeout', async () => {
    fake.script('POST /billing_requests', { hang: true });
    const started = Date.now();
    await expect(
      adapterOn(fake, 200).createBillingRequest(aBillingRequest()),
    ).rejects.toBeInstanceOf(ToolUnavailableError);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('stops when the caller aborts', async () => {
    fake.script('GET /mandates/:id', { hang: true });
    const controller = new AbortController();
    const pending = payments.getMandate('MD1', controller.signal);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(ToolUnavailableError);
  });

  it('turns a refused connection into ToolUnavailableError', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
      });
    });
    const offline = createGoCardlessPayments({
      accessToken: 't',
      environment: 'sandbox',
      baseUrl: `http://127.0.0.1:${closed}`,
    });
    await expect(offline.getBillingRequest('BRQ1')).rejects.toBeInstanceOf(ToolUnavailableError);
  });

  it('treats cancelling an already cancelled subscription as done, an unknown one as refused', async () => {
    const { subscriptionId } = await payments.createSubscription(aSubscription(await aMandate()));
    await payments.cancelSubscription(subscriptionId, 'cancel-1');
    await expect(payments.cancelSubscription(subscriptionId, 'cancel-2')).resolves.toBeUndefined();
    await expect(payments.cancelSubscription('SB_UNKNOWN', 'cancel-3')).rejects.toMatchObject({
      code: 'resource_not_found',
    });
  });

  it('reads a monthly payment with its charge date and subscription', async () => {
    const { subscriptionId } = await payments.createSubscription(aSubscription(await aMandate()));
    const { paymentId } = fake.collectSubscriptionPayment(subscriptionId, {
      chargeDate: '2025-10-31',
      outcome: 'failed',
    });
    expect(await payments.getPayment(paymentId)).toEqual({
      id: paymentId,
      status: 'failed',
      amountPence: 2475,
      chargeDate: '2025-10-31',
      subscriptionId,
    });
  });
});

describe('gocardless-nodejs itself (pinned so an upgrade cannot change it unseen)', () => {
  let fake: GoCardlessServer;
  beforeEach(async () => {
    fake = await startGoCardlessServer();
  });
  afterEach(() => fake.close());

  const bareClient = () => {
    const client = new GoCardlessClient(fake.accessToken, Environments.Sandbox);
    configureGoCardlessClient(client, { baseUrl: fake.baseUrl });
    return client;
  };

  it('never retries a POST after a 5xx', async () => {
    fake.script('POST /billing_requests', serverError(500), { times: 5 });
    const attempt = bareClient().billingRequests.create(
      { mandate_request: { currency: 'GBP', scheme: 'bacs' } },
      'pinned-key',
    );
    await expect(attempt).rejects.toBeInstanceOf(GoCardlessInternalError);
    expect(fake.requests).toHaveLength(1);
  });

  it('sends a random key on a POST given none, which is why we always pass ours', async () => {
    await bareClient().billingRequests.create({
      payment_request: { amount: 4500, currency: 'GBP' },
      mandate_request: { currency: 'GBP' },
    });
    expect(fake.requests[0]?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
  });
});
