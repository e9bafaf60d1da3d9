import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLED_EVENTS } from '../../tools/payments/gocardless-webhooks.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import { createSqliteJobs } from '../../tools/jobs/sqlite.ts';
import { createSqliteSmsOutbox } from '../../tools/sms/outbox-sqlite.ts';
import {
  serverError,
  validationFailed,
  startGoCardlessServer,
  type FakeEvent,
  type GoCardlessServer,
} from '../fakes/gocardless-server.ts';
import { bearer, REGISTRATION, startTestServer, type TestServer } from './support.ts';

/** The answers up to the payment link (routine 30), for a child of the same parent. */
async function registerUntilPaymentLink(server: TestServer, child: string) {
  let sessionId: string | undefined;
  const replies = new Map<number, string>();
  for (const [text, routine] of REGISTRATION) {
    const message = text === 'leo o’brien' ? child : text;
    const { body } = await server.post('/chat', { user_message: message, session_id: sessionId });
    sessionId = String(body.session_id);
    replies.set(routine, String(body.response));
    if (routine === 30) return { sessionId, replies };
  }
  throw new Error('The registration never reached the payment link');
}

type Fields = Record<string, unknown>;
const records = async (server: TestServer) => {
  const { body } = await server.get('/admin/registrations', bearer());
  return body.registrations as { id: string; fields: Fields }[];
};
const recordOf = async (server: TestServer, first: string) => {
  const found = (await records(server)).find((r) => r.fields.player_first_name === first);
  if (!found) throw new Error(`No record for ${first}`);
  return found;
};

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean) {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** A seeded shuffle, so a failure replays the same order. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('GoCardless webhooks drive the payment machine (real SDK against the local GoCardless)', () => {
  let gocardless: GoCardlessServer;
  let server: TestServer;
  const webhook = () => `${server.url}/webhooks/gocardless`;
  const texts = () => {
    const db = openDatabase(join(server.dataDir, 'club.sqlite'));
    return createSqliteSmsOutbox(db, createSqliteJobs(db)).list();
  };

  beforeAll(async () => {
    gocardless = await startGoCardlessServer({ now: () => '2025-08-01T10:05:00.000Z' });
    server = await startTestServer({
      GOCARDLESS_ACCESS_TOKEN: gocardless.accessToken,
      GOCARDLESS_WEBHOOK_SECRET: gocardless.webhookSecret,
      GOCARDLESS_BASE_URL: gocardless.baseUrl,
    });
  });
  afterAll(async () => {
    await server?.close();
    await gocardless?.close();
  });

  it('opens the texted link as a fresh prefilled GoCardless flow on every click', async () => {
    // Another surname: not a sibling of the O’Brien children below.
    await registerUntilPaymentLink(server, 'cara smith');
    const cara = await recordOf(server, 'Cara');
    const sent = (await texts()).find((sms) => sms.key.startsWith(`${cara.id}.sendPaymentLink`));
    const token = /\/reg_setup\/([A-Za-z0-9_-]{32})$/.exec(sent?.body ?? '')?.[1];
    expect(token).toBeDefined();
    expect(sent?.body).not.toContain(String(cara.fields.billing_request_id));
    const open = () => fetch(`${server.url}/reg_setup/${token}`, { redirect: 'manual' });
    const [first, second] = [await open(), await open()];
    expect([first.status, second.status]).toEqual([302, 302]);
    const locations = [first, second].map((r) => r.headers.get('location') ?? '');
    expect(locations[0]).toMatch(
      /^https:\/\/pay-sandbox\.gocardless\.com\/billing\/static\/flow\?id=BRF/,
    );
    expect(locations[1]).not.toBe(locations[0]);
    const flows = gocardless.requests.filter((r) => r.route === 'POST /billing_request_flows');
    expect(flows.at(-1)?.body).toMatchObject({
      billing_request_flows: {
        links: { billing_request: cara.fields.billing_request_id },
        redirect_uri: `http://localhost:0/reg_setup/${token}/done`,
        prefilled_customer: { given_name: 'Sarah', family_name: "O'Brien", postal_code: 'M32 8JL' },
      },
    });
    expect(new Set(flows.slice(-2).map((r) => r.idempotencyKey)).size).toBe(2);

    // GoCardless down: a friendly page, never JSON or a stack trace.
    gocardless.script('POST /billing_request_flows', serverError(503));
    const down = await open();
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await down.text()).toContain('Payments are unavailable just now');

    const unknown = await fetch(`${server.url}/reg_setup/${'A'.repeat(32)}`);
    expect([unknown.status, unknown.headers.get('content-type')]).toEqual([
      404,
      'text/html; charset=utf-8',
    ]);
    const garbage = await fetch(`${server.url}/reg_setup/%3Cscript%3E`);
    expect(garbage.status).toBe(404);
    expect(await garbage.text()).not.toContain('<script>');
  });

  it.each([
    ['a 5xx', 'dan smith', serverError(502), /Nothing you've told me is lost/, 1],
    [
      'a 422',
      'eve smith',
      validationFailed({ field: 'amount', message: 'is too low' }),
      /a volunteer will finish Eve's registration with you/,
      0,
    ],
  ])(
    'answers %s from GoCardless at the billing request sensibly, and duplicates nothing',
    async (_, child, reply, said, requestsAfter) => {
      gocardless.script('POST /billing_requests', reply);
      const { sessionId, replies } = await registerUntilPaymentLink(server, child);
      const first = child.split(' ')[0] ?? '';
      const record = await recordOf(server, first.charAt(0).toUpperCase() + first.slice(1));
      const all = [...replies.values()].join('\n');
      const billingRequests = () =>
        [...(gocardless.resources.get('billing_requests')?.values() ?? [])].filter(
          (request) => (request.metadata as Record<string, string>).registration_id === record.id,
        );
      expect(billingRequests()).toHaveLength(0);
      expect(all).toMatch(said);
      // The parent's next message retries an unavailable GoCardless once; a refusal is handed off.
      await server.post('/chat', { user_message: 'ok', session_id: sessionId });
      expect(billingRequests()).toHaveLength(requestsAfter);
      const links = (await texts()).filter((sms) =>
        sms.key.startsWith(`${record.id}.sendPaymentLink`),
      );
      expect(links).toHaveLength(requestsAfter);
    },
  );

  it('answers 498 to a missing or wrong signature and changes nothing', async () => {
    await registerUntilPaymentLink(server, 'ava o’brien');
    const ava = await recordOf(server, 'Ava');
    const brq = String(ava.fields.billing_request_id);
    const { events } = gocardless.completeBillingRequest(brq, {
      nextPossibleChargeDate: '2025-09-05',
    });
    const missing = await gocardless.sendWebhook(webhook(), events, { signature: null });
    const wrong = await gocardless.sendWebhook(webhook(), events, { signature: 'ab'.repeat(32) });
    const garbage = await gocardless.sendWebhook(webhook(), events, { signature: 'not hex' });
    expect([missing.status, wrong.status, garbage.status]).toEqual([498, 498, 498]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await recordOf(server, 'Ava')).fields.registration_status).toBe('pending_payment');
    expect(gocardless.resources.get('subscriptions')?.size ?? 0).toBe(0);

    // The same events signed are taken: nothing was remembered from the refused ones.
    const signed = await gocardless.sendWebhook(webhook(), events);
    expect(signed.status).toBe(200);
    // Every event the club acts on is queued (mandates.created and payments.created are not).
    const handled = events.filter((e) =>
      (HANDLED_EVENTS as readonly string[]).includes(`${e.resource_type}.${e.action}`),
    );
    expect(await signed.json()).toEqual({ queued: handled.length });
    const paid = await until(
      'Ava active',
      () => recordOf(server, 'Ava'),
      (r) => r.fields.subscription_activated === 'Y',
    );
    expect(paid.fields).toMatchObject({
      registration_status: 'active',
      signing_on_fee_paid: 'Y',
      mandate_authorised: 'Y',
      subscription_status: 'active',
      subscription_start_date: '2025-09-15',
      monthly_subscription_amount: 27.5,
    });
    const state = await server.get(`/admin/registrations/${ava.id}/payment`, bearer());
    expect(state.body).toMatchObject({
      registration_status: 'active',
      subscription_id: paid.fields.ongoing_subscription_id,
      months: { sep: null },
    });
    const unpaid = await server.get('/admin/payments', bearer());
    // Unused links (Cara's, and those of the failure tests) are listed for the club; Ava is not.
    const players = (unpaid.body.registrations as { player: string }[]).map((r) => r.player);
    expect(players).toContain('Cara Smith');
    expect(players).not.toContain('Ava O’Brien');
    expect(unpaid.body.count).toBe(players.length);
  });

  it('applies every event delivered ten times and shuffled once: one subscription, one discount, one confirmation', async () => {
    const { replies } = await registerUntilPaymentLink(server, 'ben o’brien');
    // A sibling (Ava) is registered: the parent is told the discounted amount at routine 29.
    expect(replies.get(29)).toContain('**£24.75 a month** (10% off the usual £27.50');
    const ben = await recordOf(server, 'Ben');
    expect(ben.fields.monthly_subscription_amount).toBe(24.75);
    const brq = String(ben.fields.billing_request_id);
    const { events } = gocardless.completeBillingRequest(brq, {
      nextPossibleChargeDate: '2025-09-05',
    });
    const deliveries = shuffled(
      events.flatMap((event) => Array.from({ length: 10 }, () => event)),
      8,
    );
    const batches: FakeEvent[][] = [];
    for (let i = 0; i < deliveries.length; i += 3) batches.push(deliveries.slice(i, i + 3));
    const statuses = await Promise.all(
      batches.map(async (batch) => (await gocardless.sendWebhook(webhook(), batch)).status),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));

    // The texts read before the record: the machine writes the record, then queues the text, so a
    // record read after the confirmation was seen is the record the confirmation went with.
    const paid = await until(
      'Ben confirmed',
      async () => {
        const sent = await texts();
        return { texts: sent, record: await recordOf(server, 'Ben') };
      },
      ({ texts: sent }) => sent.some((text) => text.key === `${ben.id}.payment-confirmation`),
    );
    // Let any retried (unrouted) deliveries finish before counting.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const subscriptions = [...(gocardless.resources.get('subscriptions')?.values() ?? [])];
    const bens = subscriptions.filter(
      (s) => (s.metadata as Record<string, string>).registration_id === ben.id,
    );
    expect(bens).toHaveLength(1);
    expect(bens[0]).toMatchObject({ amount: 2475, day_of_month: 15, start_date: '2025-09-15' });
    expect(subscriptions.map((s) => s.amount).sort()).toEqual([2475, 2750]);
    expect(
      gocardless.requests.filter((r) => r.route === 'POST /subscriptions').length,
    ).toBeGreaterThanOrEqual(2);
    const confirmations = (await texts()).filter((text) =>
      text.key.endsWith('payment-confirmation'),
    );
    expect(confirmations).toHaveLength(2);
    expect(confirmations.find((t) => t.key.startsWith(ben.id))?.body).toContain('£24.75 a month');
    expect(paid.record.fields).toMatchObject({
      registration_status: 'active',
      ongoing_subscription_id: bens[0]?.id,
      monthly_subscription_amount: 24.75,
    });
  });

  it('records each monthly collection by its charge month and suspends after the failures the club allows', async () => {
    const ava = await recordOf(server, 'Ava');
    const subscription = String(ava.fields.ongoing_subscription_id);
    const september = gocardless.collectSubscriptionPayment(subscription, {
      chargeDate: '2025-09-15',
      outcome: 'confirmed',
      at: '2025-10-02T09:00:00.000Z',
    });
    const october = gocardless.collectSubscriptionPayment(subscription, {
      chargeDate: '2025-10-15',
      outcome: 'failed',
    });
    const november = gocardless.collectSubscriptionPayment(subscription, {
      chargeDate: '2025-11-15',
      outcome: 'failed',
    });
    const all = [...september.events, ...october.events, ...november.events].reverse();
    expect((await gocardless.sendWebhook(webhook(), all)).status).toBe(200);
    const suspended = await until(
      'Ava suspended',
      () => recordOf(server, 'Ava'),
      (r) =>
        r.fields.registration_status === 'suspended' &&
        r.fields.sep_subscription_payment_status === 'confirmed',
    );
    expect(suspended.fields).toMatchObject({
      sep_subscription_payment_status: 'confirmed',
      oct_subscription_payment_status: 'failed',
      nov_subscription_payment_status: 'failed',
    });
    const sent = await until('the suspension text', texts, (list) =>
      list.some((t) => t.key === `${ava.id}.payment-suspended`),
    );
    expect(sent.filter((t) => t.key === `${ava.id}.payment-suspended`)).toHaveLength(1);
    const { body } = await server.get('/admin/payments?status=suspended', bearer());
    expect(body.registrations).toEqual([
      expect.objectContaining({ id: ava.id, registration_status: 'suspended' }),
    ]);
  });
});
