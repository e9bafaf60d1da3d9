import type { SnapshotFrom } from 'xstate';
import { z } from 'zod';
import { pounds, type ClubConfig } from '../routines/club.ts';
import { effectKey } from '../routines/identity.ts';
import { toE164 } from '../routines/parsers/phones.ts';
import { planSubscription } from '../routines/subscription-plan.ts';
import { PaymentRejectedError } from '../tools/payments/port.ts';
import type { StoredRegistration } from '../tools/registrations/registrations.ts';
import type { EffectPorts } from './effects.ts';
import { linkTokenFor, paymentLinkUrl } from './payment-link.ts';
import {
  PAYMENT_MACHINE_VERSION,
  paymentMachine,
  unwritten,
  type PaymentContext,
  type PaymentEffect,
  type PaymentEvent,
  type PaymentText,
} from './payment.machine.ts';
import type { PersistedMachine } from './runner.ts';
import { siblingRegistered } from './sibling-discount.ts';

export type PaymentSnapshot = SnapshotFrom<typeof paymentMachine>;

/** What the payment machine's effects reach. */
export type PaymentPorts = Pick<EffectPorts, 'payments' | 'registrations' | 'sms' | 'ledger'>;

export type PaymentMachineDeps = { club: ClubConfig; publicBaseUrl: string; now: () => Date };

export type PaymentDefinition = PersistedMachine<typeof paymentMachine, PaymentPorts>;

/** A payment instance lives as long as a season and a bit. */
const PAYMENT_TTL_MS = 400 * 24 * 3600_000;

/** The ledger key that finds a registration from its subscription (payment webhooks). */
export const subscriptionKey = (subscriptionId: string) => `gc.sb.${subscriptionId}`;

/** The club's list of payment problems: a flag per suspended registration. */
export const suspendedFlagKey = (registrationId: string) => `handoff.payment.${registrationId}`;

const StoredPayment = z.object({
  status: z.literal('active'),
  value: z.record(z.string(), z.unknown()),
  context: z.looseObject({
    registrationId: z.string(),
    seen: z.array(z.string()),
    written: z.record(z.string(), z.unknown()),
  }),
});

/** The months of the season, YYYY-MM, first to last. */
export function seasonMonths(club: ClubConfig): string[] {
  const months: string[] = [];
  const [year, month] = club.season.firstMonth.split('-').map(Number) as [number, number];
  for (let at = new Date(Date.UTC(year, month - 1, 1)); ; at.setUTCMonth(at.getUTCMonth() + 1)) {
    const yearMonth = at.toISOString().slice(0, 7);
    months.push(yearMonth);
    if (yearMonth >= club.season.lastMonth || months.length > 24) return months;
  }
}

const longDate = (iso: string) =>
  new Date(`${iso}T12:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

type TextRun = {
  text: PaymentText;
  context: PaymentContext;
  record: StoredRegistration;
  club: ClubConfig;
  link: () => Promise<URL>;
};

/** The texts the payment machine sends the parent. */
async function textBody({ text, context, record, club, link }: TextRun): Promise<string> {
  const { fields } = record;
  const parent = fields.parent_first_name;
  const child = fields.player_first_name;
  switch (text) {
    case 'confirmation': {
      const { subscription } = context;
      const monthly = subscription
        ? ` and ${pounds(subscription.amountPence)} a month will be collected by Direct Debit from ${longDate(subscription.startDate)} (${subscription.count} payment${subscription.count === 1 ? '' : 's'}).`
        : `. The club will be in touch about the monthly Direct Debit.`;
      return `Thank you ${parent}! ${child}'s registration with ${club.name} is complete: the ${pounds(club.fees.signingOnPence)} signing-on fee is paid${monthly}`;
    }
    case 'reminder':
      return `Hi ${parent}, a reminder from ${club.name}: ${child}'s registration is waiting for the signing-on fee and the monthly Direct Debit. You can set both up here: ${(await link()).href}`;
    case 'suspended':
      return `Hi ${parent}, ${child}'s monthly payments to ${club.name} have failed, so the registration is paused for now. Please contact ${club.adminEmail} to sort it out.`;
  }
}

/** The payment machine as a persisted machine: one instance per registration. */
export function paymentDefinition({
  club,
  publicBaseUrl,
  now,
}: PaymentMachineDeps): PaymentDefinition {
  const settings = {
    suspendAfterFailedPayments: club.payments.suspendAfterFailedPayments,
    seasonMonths: seasonMonths(club),
  };

  async function needRecord(ports: PaymentPorts, id: string, signal: AbortSignal) {
    const record = await ports.registrations.get(id, signal);
    if (!record) throw new Error(`The payment machine has no registration ${id}`);
    return record;
  }

  const effects: Record<
    PaymentEffect,
    (context: PaymentContext, ports: PaymentPorts, signal: AbortSignal) => Promise<PaymentEvent>
  > = {
    async createSubscription(context, ports, signal) {
      const id = context.registrationId;
      const mandateId = context.mandateId;
      if (!mandateId) throw new Error('createSubscription needs a mandate');
      const record = await needRecord(ports, id, signal);
      const mandate = await ports.payments.getMandate(mandateId, signal);
      const sibling = await siblingRegistered(ports.registrations, id, record.fields, signal);
      const plan = planSubscription({
        season: club.season,
        registeredOn: now().toISOString().slice(0, 10),
        paymentDay: record.fields.preferred_payment_day,
        mandateNextPossibleChargeDate:
          mandate.nextPossibleChargeDate ?? now().toISOString().slice(0, 10),
        monthlyFeePence: club.fees.monthlyPence,
        siblingDiscountPercent: club.siblingDiscountPercent,
        hasSibling: sibling,
      });
      if (!plan) {
        return {
          type: 'subscription.rejected',
          reason: 'No month of the season is left to collect',
        };
      }
      try {
        const made = await ports.payments.createSubscription(
          {
            idempotencyKey: effectKey(id, 'createSubscription', [mandateId]),
            mandateId,
            amountPence: plan.amountPence,
            dayOfMonth: plan.dayOfMonth,
            startDate: plan.startDate,
            count: plan.count,
            name: `${club.shortName} monthly subs ${club.season.label}`,
            metadata: { registration_id: id },
          },
          signal,
        );
        await ports.ledger.set(subscriptionKey(made.subscriptionId), { registrationId: id });
        return {
          type: 'subscription.created',
          subscription: {
            id: made.subscriptionId,
            startDate: made.startDate,
            amountPence: plan.amountPence,
            count: plan.count,
          },
        };
      } catch (error) {
        if (!(error instanceof PaymentRejectedError)) throw error;
        const detail = error.fieldErrors.map((field) => field.message).join('; ');
        return {
          type: 'subscription.rejected',
          reason: `${error.code}: ${error.message}${detail ? ` (${detail})` : ''}`,
        };
      }
    },

    async writeRecord(context, ports, signal) {
      const id = context.registrationId;
      const fields = unwritten(context);
      if (Object.keys(fields).length > 0) await ports.registrations.update(id, fields, signal);
      if (context.texts.length > 0) {
        const record = await needRecord(ports, id, signal);
        const link = async () =>
          paymentLinkUrl(publicBaseUrl, await linkTokenFor(ports.ledger, id));
        for (const text of context.texts) {
          const body = await textBody({ text, context, record, club, link });
          const key = effectKey(id, `payment-${text}`);
          await ports.sms.enqueue(
            { key, registrationId: id, to: toE164(record.fields.parent_telephone), body },
            signal,
          );
          if (text === 'suspended') {
            await ports.ledger.set(suspendedFlagKey(id), {
              registrationId: id,
              effect: 'payments',
              kind: 'suspended',
              at: now().toISOString(),
            });
          }
        }
      }
      return { type: 'record.written', fields, texts: context.texts.length };
    },
  };

  const effectDue = (snapshot: PaymentSnapshot): PaymentEffect | null => {
    if (snapshot.matches({ subscription: 'creating' })) return 'createSubscription';
    if (snapshot.matches({ record: 'writing' })) return 'writeRecord';
    return null;
  };

  return {
    id: paymentMachine.id,
    version: PAYMENT_MACHINE_VERSION,
    machine: paymentMachine,
    snapshot: StoredPayment,
    migrations: {},
    input: (registrationId) => ({ registrationId, settings }),
    effectDue,
    runEffect: (effect, snapshot, ports, signal) =>
      effects[effect as PaymentEffect](snapshot.context, ports, signal),
    failed: (effect, kind, reason): PaymentEvent => ({
      type: 'effect.failed',
      effect: effect as PaymentEffect,
      kind,
      reason,
    }),
    isAtRest: (snapshot) => effectDue(snapshot) === null,
    ttlMs: PAYMENT_TTL_MS,
  };
}
