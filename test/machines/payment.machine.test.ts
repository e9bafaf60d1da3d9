import { beforeEach, describe, expect, it } from 'vitest';
import type { EffectPorts } from '../../machines/effects.ts';
import { paymentDefinition } from '../../machines/payment.definition.ts';
import { billingRequestKey, linkTokenFor } from '../../machines/payment-link.ts';
import { createRunner } from '../../machines/runner.ts';
import { defaultClub } from '../../routines/club.ts';
import type { Job } from '../../tools/jobs/port.ts';
import { PaymentRejectedError } from '../../tools/payments/port.ts';
import {
  createSqliteSimulatedPayments,
  type SimulatedEvent,
  type SimulatedPayments,
} from '../../tools/payments/simulator-sqlite.ts';
import type { RegistrationFields } from '../../tools/registrations/registrations.ts';
import { createSqliteSnapshotStore } from '../../tools/snapshots/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';
import { createPaymentEvents, UnroutedEventError } from '../../server/payments.ts';
import { aRegistration } from '../contracts/registration-records.contract.ts';
import { embeddedPorts } from '../support/harness.ts';

const NOW = () => new Date('2025-08-01T10:00:00Z');
const ID = 'reg-payment-test';

type Setup = {
  ports: EffectPorts;
  simulator: SimulatedPayments;
  events: ReturnType<typeof createPaymentEvents>;
  billingRequestId: string;
};

async function setUp(fields: Partial<RegistrationFields> = {}): Promise<Setup> {
  const db = openDatabase(':memory:');
  const ports = await embeddedPorts(db, defaultClub, () => {});
  const simulator = createSqliteSimulatedPayments(db, NOW);
  ports.payments = simulator;
  await ports.registrations.upsert(ID, { age_group_mismatch: 'N', ...aRegistration(fields) });
  const { billingRequestId } = await simulator.createBillingRequest({
    idempotencyKey: `${ID}.createPayment`,
    signingOnFeePence: 4500,
    currency: 'GBP',
    description: 'Signing-on fee',
    metadata: { registration_id: ID },
  });
  await ports.ledger.set(billingRequestKey(billingRequestId), { registrationId: ID });
  await ports.registrations.update(ID, { billing_request_id: billingRequestId });
  const events = createPaymentEvents({
    secret: 'unused-in-these-tests',
    ledger: ports.ledger,
    jobs: ports.jobs,
    runner: createRunner({ store: createSqliteSnapshotStore(db), log: () => {}, now: NOW }),
    definition: paymentDefinition({
      club: defaultClub,
      publicBaseUrl: 'http://localhost:8000',
      now: NOW,
    }),
    ports,
    log: () => {},
  });
  return { ports, simulator, events, billingRequestId };
}

const job = (data: unknown, attempt = 1): Job => ({
  id: 'job',
  queue: 'payment-events',
  data,
  attempt,
});

/** Delivers events as the queue would: an event not routable yet is tried again after the rest. */
async function deliver(setup: Setup, events: readonly SimulatedEvent[]) {
  let waiting = [...events];
  for (let round = 1; waiting.length > 0; round += 1) {
    if (round > 5) throw new Error('Events never routed');
    const again: SimulatedEvent[] = [];
    for (const event of waiting) {
      try {
        await setup.events.process(job(event, round));
      } catch (error) {
        if (!(error instanceof UnroutedEventError)) throw error;
        again.push(event);
      }
    }
    waiting = again;
  }
}

const record = async (setup: Setup) => (await setup.ports.registrations.get(ID))?.fields;
const textKeys = async (setup: Setup) => (await setup.ports.sms.list()).map((sms) => sms.key);

describe('the payment machine, one persisted instance per registration', () => {
  let setup: Setup;
  beforeEach(async () => {
    setup = await setUp();
  });

  it.each([
    ['in order', (events: SimulatedEvent[]) => events],
    ['reversed', (events: SimulatedEvent[]) => [...events].reverse()],
    [
      'each three times, interleaved',
      (events: SimulatedEvent[]) => [...events, ...events, ...events],
    ],
  ])('ends active with one subscription and one confirmation, events %s', async (_, order) => {
    const events = await setup.simulator.fulfil(setup.billingRequestId, {
      nextPossibleChargeDate: '2025-09-20',
    });
    await deliver(setup, order(events));
    expect(await record(setup)).toMatchObject({
      registration_status: 'active',
      signing_on_fee_paid: 'Y',
      mandate_authorised: 'Y',
      subscription_activated: 'Y',
      subscription_status: 'active',
      // The 15th of September is before the mandate can be charged: October is the first.
      subscription_start_date: '2025-10-15',
    });
    expect(await textKeys(setup)).toEqual([`${ID}.payment-confirmation`]);
    const [text] = await setup.ports.sms.list();
    expect(text?.body).toContain(
      '£27.50 a month will be collected by Direct Debit from 15 October 2025 (8 payments)',
    );
  });

  it('records a refused subscription as an error and still confirms the fee', async () => {
    setup.ports.payments = {
      ...setup.simulator,
      createSubscription: () =>
        Promise.reject(
          new PaymentRejectedError('Validation failed', 'validation_failed', [
            { field: 'start_date', message: 'must be a future date' },
          ]),
        ),
    };
    await deliver(setup, await setup.simulator.fulfil(setup.billingRequestId));
    expect(await record(setup)).toMatchObject({
      registration_status: 'active',
      subscription_activated: 'N',
      subscription_status: 'failed',
      subscription_error: 'validation_failed: Validation failed (must be a future date)',
    });
    const [text] = await setup.ports.sms.list();
    expect(text?.body).toContain('The club will be in touch about the monthly Direct Debit');
  });

  it('tries the subscription again on the next run when GoCardless was unavailable, and makes it once', async () => {
    let calls = 0;
    setup.ports.payments = {
      ...setup.simulator,
      createSubscription: (input, signal) => {
        calls += 1;
        return calls === 1
          ? Promise.reject(new ToolUnavailableError('payments'))
          : setup.simulator.createSubscription(input, signal);
      },
    };
    const [fulfilled, ...rest] = await setup.simulator.fulfil(setup.billingRequestId);
    await expect(setup.events.process(job(fulfilled))).rejects.toThrow(/retried/);
    expect((await record(setup))?.subscription_activated).toBe('N');
    await setup.events.process(job(fulfilled, 2));
    await deliver(setup, rest);
    expect(await record(setup)).toMatchObject({ subscription_activated: 'Y' });
    expect(calls).toBe(2);
    expect(await textKeys(setup)).toEqual([`${ID}.payment-confirmation`]);
  });

  it('sends one reminder for an unused link, and none once paid', async () => {
    await linkTokenFor(setup.ports.ledger, ID);
    const reminder = { ...job({ registrationId: ID }), queue: 'payment-reminders' };
    await setup.events.remind(reminder);
    await setup.events.remind(reminder);
    expect(await textKeys(setup)).toEqual([`${ID}.payment-reminder`]);
    const [text] = await setup.ports.sms.list();
    expect(text?.body).toMatch(/http:\/\/localhost:8000\/reg_setup\/[A-Za-z0-9_-]{32}$/);
    expect((await record(setup))?.payment_follow_up_count).toBe(1);

    const paid = await setUp();
    await deliver(paid, await paid.simulator.fulfil(paid.billingRequestId));
    await paid.events.remind(reminder);
    expect(await textKeys(paid)).toEqual([`${ID}.payment-confirmation`]);
  });

  it('gives a sibling 10% off the monthly fee, once', async () => {
    await setup.ports.registrations.upsert('reg-sibling', {
      age_group_mismatch: 'N',
      ...aRegistration({ player_first_name: 'Amy', parent_last_name: 'smith' }),
    });
    await deliver(setup, await setup.simulator.fulfil(setup.billingRequestId));
    expect(await record(setup)).toMatchObject({ monthly_subscription_amount: 24.75 });
    // A redelivered fulfilment changes nothing: the discount is never taken off twice.
    const again = await setup.simulator.fulfil(setup.billingRequestId);
    expect(again).toEqual([]);
    expect(await record(setup)).toMatchObject({ monthly_subscription_amount: 24.75 });
  });
});
