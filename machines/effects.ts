import { createHash } from 'node:crypto';
import type { ClubConfig } from '../routines/club.ts';
import { effectKey, identityOf, registrationIdOf } from '../routines/identity.ts';
import { toE164 } from '../routines/parsers/phones.ts';
import type { Jobs } from '../tools/jobs/port.ts';
import type { KeyValueStore } from '../tools/kv/port.ts';
import type { AddressLookup } from '../tools/address-lookup/address-lookup.ts';
import type { Payments } from '../tools/payments/port.ts';
import type { PhotoStore } from '../tools/photos/photos.ts';
import type { RegistrationStore } from '../tools/registrations/registrations.ts';
import type { SmsOutbox } from '../tools/sms/sms.ts';
import type { TeamDirectory } from '../tools/teams/teams.ts';
import {
  billingRequestKey,
  linkTokenFor,
  paymentLinkUrl,
  PAYMENT_REMINDER_QUEUE,
} from './payment-link.ts';
import { recordCorrection, toRegistrationFields } from './record.ts';
import { monthlyAmountFor, siblingCandidate } from './sibling-discount.ts';
import { hasSibling } from '../routines/sibling.ts';
import type { EffectId, SessionContext, SessionEvent } from './setup.ts';

/** The outside world, as the effects see it. */
export type EffectPorts = {
  teams: TeamDirectory;
  addressLookup: AddressLookup;
  registrations: RegistrationStore;
  payments: Payments;
  sms: SmsOutbox;
  photos: PhotoStore;
  /** Claims and flags shared by every process: who is registering which child, who needs the club. */
  ledger: KeyValueStore;
  /** Work for later: the payment-link reminder. */
  jobs: Jobs;
};

export type EffectRun = {
  context: SessionContext;
  ports: EffectPorts;
  club: ClubConfig;
  /** Where links in texts point, e.g. https://register.example.org. */
  publicBaseUrl: string;
  now: Date;
  signal: AbortSignal;
};

/** Thrown when an effect is reached without what it needs: a machine bug, reported as effect.failed. */
export class EffectPreconditionError extends Error {
  constructor(effect: EffectId, missing: string) {
    super(`${effect} needs ${missing}`);
    this.name = 'EffectPreconditionError';
  }
}

const need = <T>(value: T | null | undefined, effect: EffectId, what: string): T => {
  if (value === null || value === undefined) throw new EffectPreconditionError(effect, what);
  return value;
};

const lookUp = async (
  { context, ports, signal }: EffectRun,
  who: 'parent' | 'child',
): Promise<SessionEvent> => {
  const { draft } = context;
  const postcode = who === 'parent' ? draft.parentPostcode : draft.childPostcode;
  const houseNumber = who === 'parent' ? draft.parentHouseNumber : draft.childHouseNumber;
  const effect = who === 'parent' ? 'lookUpParentAddress' : 'lookUpChildAddress';
  const address = await ports.addressLookup.find(
    {
      postcode: need(postcode, effect, 'a postcode'),
      houseNumber: need(houseNumber, effect, 'a house number'),
    },
    signal,
  );
  return address ? { type: 'address.found', address } : { type: 'address.notFound' };
};

/** How long a claim on a child's registration lasts without a save (a session's lifetime). */
const CLAIM_TTL_MS = 14 * 24 * 3600_000;

/** A session as the ledger names it: a digest, never the session id itself (a bearer secret). */
const ownerOf = (sessionId: string) =>
  createHash('sha256').update(`session:${sessionId}`).digest('hex').slice(0, 16);
const claimKey = (registrationId: string) => `claim.${registrationId}`;
const claimOwner = (value: unknown) =>
  typeof value === 'object' && value !== null && 'owner' in value ? String(value.owner) : null;

const registrationOf = (context: SessionContext, effect: EffectId) =>
  need(context.registrationId, effect, 'a registration id');

const isPaid = (status: string | undefined) => status === 'active';

/**
 * Whether this chat still holds its registration (another chat may have carried it on). A claim
 * that has lapsed, or that a chat saved by an older version never made, is taken again.
 */
async function holdsRegistration(context: SessionContext, ports: EffectPorts) {
  const id = context.registrationId;
  if (!id) return false;
  const owner = ownerOf(context.sessionId);
  const claim = await ports.ledger.setIfAbsent(claimKey(id), { owner }, CLAIM_TTL_MS);
  return claimOwner(claim.value) === owner;
}

/** Whether another child of this parent is registered this season (told at routine 29). */
async function siblingOfDraft(
  ports: EffectPorts,
  registrationId: string,
  season: string,
  draft: SessionContext['draft'],
  signal: AbortSignal,
) {
  const { parentFirstName, parentLastName, childFirstName, childLastName, childDateOfBirth } =
    draft;
  if (!parentFirstName || !parentLastName || !childFirstName || !childLastName) return false;
  const others = (await ports.registrations.list(signal)).filter(
    (other) => other.id !== registrationId && other.fields.season === season,
  );
  return hasSibling(
    {
      parentFirstName,
      parentLastName,
      childFirstName,
      childLastName,
      childDateOfBirth: childDateOfBirth ?? '',
      abandoned: false,
    },
    others.map((other) => siblingCandidate(other.fields)),
  );
}

/** What each effect state does. Every effect is idempotent: running it twice changes nothing more. */
export const effects: Record<EffectId, (run: EffectRun) => Promise<SessionEvent>> = {
  async findTeam({ context, ports, signal }) {
    const code = need(context.pendingCode, 'findTeam', 'a code');
    const team = await ports.teams.find(
      { name: code.team, ageGroup: code.ageGroup, season: code.season },
      signal,
    );
    return team
      ? {
          type: 'team.found',
          team: { name: team.name, ageGroup: team.ageGroup, needsNewKit: team.needsNewKit },
        }
      : { type: 'team.notFound' };
  },
  /**
   * The child is known: one registration per child and season. A child already paid for is
   * finished; one saved or under way in another chat is offered to the parent to carry on here.
   */
  async claimRegistration({ context, ports, signal }) {
    const season = need(context.code, 'claimRegistration', 'a code').season;
    const identity = need(identityOf(season, context.draft), 'claimRegistration', 'the child');
    const id = registrationIdOf(identity);
    const owner = ownerOf(context.sessionId);
    const previous = context.registrationId;
    if (previous && previous !== id) {
      // The name or date of birth was corrected: let go of the child this chat claimed before.
      const held = await ports.ledger.get(claimKey(previous));
      if (claimOwner(held) === owner) await ports.ledger.delete(claimKey(previous));
    }
    const stored = await ports.registrations.get(id, signal);
    if (stored && isPaid(stored.fields.registration_status))
      return { type: 'registration.complete' };
    if (stored) return { type: 'registration.elsewhere', registrationId: id };
    const claim = await ports.ledger.setIfAbsent(claimKey(id), { owner }, CLAIM_TTL_MS);
    if (claimOwner(claim.value) !== owner)
      return { type: 'registration.elsewhere', registrationId: id };
    const sibling = await siblingOfDraft(ports, id, season, context.draft, signal);
    return { type: 'registration.claimed', registrationId: id, sibling };
  },
  /** The parent chose to carry on here: this chat now holds the registration. */
  async takeOverRegistration({ context, ports, signal }) {
    const id = registrationOf(context, 'takeOverRegistration');
    const stored = await ports.registrations.get(id, signal);
    if (stored && isPaid(stored.fields.registration_status))
      return { type: 'registration.complete' };
    await ports.ledger.set(claimKey(id), { owner: ownerOf(context.sessionId) }, CLAIM_TTL_MS);
    const season = need(context.code, 'takeOverRegistration', 'a code').season;
    const sibling = await siblingOfDraft(ports, id, season, context.draft, signal);
    return { type: 'registration.claimed', registrationId: id, sibling };
  },
  lookUpParentAddress: (run) => lookUp(run, 'parent'),
  lookUpChildAddress: (run) => lookUp(run, 'child'),
  async saveRegistration({ context, ports, club, now, signal }) {
    const id = registrationOf(context, 'saveRegistration');
    const owner = ownerOf(context.sessionId);
    const claim = await ports.ledger.setIfAbsent(claimKey(id), { owner }, CLAIM_TTL_MS);
    if (claimOwner(claim.value) !== owner) return { type: 'registration.takenOver' };
    const stored = await ports.registrations.get(id, signal);
    if (stored && isPaid(stored.fields.registration_status))
      return { type: 'registration.complete' };
    const fields = toRegistrationFields(context, club, now);
    const monthlyPence = await monthlyAmountFor(ports.registrations, club, id, fields, signal);
    await ports.registrations.upsert(
      id,
      { ...fields, monthly_subscription_amount: monthlyPence / 100 },
      signal,
    );
    return { type: 'registration.saved' };
  },
  /** A correction after the save: the stored record gets the new value before the parent is told. */
  async updateRecord({ context, ports, signal }) {
    const id = registrationOf(context, 'updateRecord');
    if (!(await holdsRegistration(context, ports))) return { type: 'registration.takenOver' };
    await ports.registrations.update(id, recordCorrection(context), signal);
    return { type: 'record.updated' };
  },
  /** The club finishes this registration with the parent: a flag volunteers can list. */
  async flagForClub({ context, ports, now }) {
    await ports.ledger.set(`handoff.${ownerOf(context.sessionId)}`, {
      registrationId: context.registrationId,
      effect: context.handOff?.effect ?? null,
      kind: context.handOff?.kind ?? null,
      at: now.toISOString(),
    });
    return { type: 'club.flagged' };
  },
  async createPayment({ context, ports, club, signal }) {
    const id = registrationOf(context, 'createPayment');
    const { draft, team } = context;
    const player = `${draft.childFirstName ?? ''} ${draft.childLastName ?? ''}`.trim();
    const { billingRequestId } = await ports.payments.createBillingRequest(
      {
        idempotencyKey: effectKey(id, 'createPayment', [club.fees.signingOnPence]),
        signingOnFeePence: club.fees.signingOnPence,
        currency: 'GBP',
        description: `${club.shortName} signing-on fee - ${player}`,
        metadata: { registration_id: id, team: team?.name ?? '', age_group: team?.ageGroup ?? '' },
      },
      signal,
    );
    // Webhooks about this billing request find their registration through the ledger.
    await ports.ledger.set(billingRequestKey(billingRequestId), { registrationId: id });
    await linkTokenFor(ports.ledger, id);
    // Once: a link still unused after the club's number of days is followed up by text.
    await ports.jobs.add(
      PAYMENT_REMINDER_QUEUE,
      `reminder.${id}`,
      { registrationId: id },
      { delayMs: club.payments.reminderAfterDays * 86_400_000 },
    );
    await ports.registrations.update(id, { billing_request_id: billingRequestId }, signal);
    return { type: 'payment.created' };
  },
  async sendPaymentLink({ context, ports, club, publicBaseUrl, now, signal }) {
    const id = registrationOf(context, 'sendPaymentLink');
    const stored = need(
      await ports.registrations.get(id, signal),
      'sendPaymentLink',
      'a saved registration',
    );
    need(stored.fields.billing_request_id, 'sendPaymentLink', 'a billing request');
    const mobile = need(context.draft.parentMobile, 'sendPaymentLink', 'a mobile number');
    const link = paymentLinkUrl(publicBaseUrl, await linkTokenFor(ports.ledger, id));
    const body = [
      `Hi ${context.draft.parentFirstName ?? ''}, this is the registration assistant from ${club.name}.`,
      `${context.draft.childFirstName ?? 'Your child'}'s registration is almost complete: please pay the signing-on fee and set up the monthly Direct Debit here:`,
      link.href,
    ].join(' ');
    const key = effectKey(id, 'sendPaymentLink', [mobile]);
    await ports.sms.enqueue({ key, to: toE164(mobile), body }, signal);
    await ports.registrations.update(
      id,
      { sms_sent_at: now.toISOString(), sms_delivery_status: 'pending' },
      signal,
    );
    return { type: 'sms.queued' };
  },
  async checkKit({ context, ports, signal }) {
    const team = need(context.team, 'checkKit', 'a team');
    const code = need(context.code, 'checkKit', 'a code');
    const current = await ports.teams.find(
      { name: team.name, ageGroup: team.ageGroup, season: code.season },
      signal,
    );
    const needsNewKit = current?.needsNewKit ?? team.needsNewKit;
    if (!needsNewKit && context.draft.playedLastSeason === true) {
      await ports.registrations.update(
        registrationOf(context, 'checkKit'),
        { new_kit_required: 'N' },
        signal,
      );
    }
    return { type: 'kit.checked', needsNewKit };
  },
  async reserveShirtNumber({ context, ports, club, signal }) {
    const id = registrationOf(context, 'reserveShirtNumber');
    if (!(await holdsRegistration(context, ports))) return { type: 'registration.takenOver' };
    const team = need(context.team, 'reserveShirtNumber', 'a team');
    const number = need(context.draft.shirtNumber, 'reserveShirtNumber', 'a shirt number');
    const outcome = await ports.registrations.reserveShirtNumber(
      {
        registrationId: id,
        team: team.name,
        ageGroup: team.ageGroup,
        season: need(context.code, 'reserveShirtNumber', 'a code').season,
        number,
      },
      signal,
    );
    if (outcome === 'taken') return { type: 'shirt.taken' };
    await ports.registrations.update(
      id,
      {
        new_kit_required: 'Y',
        kit_size: need(context.draft.kitSize, 'reserveShirtNumber', 'a kit size'),
        kit_type_required: club.shirtNumbers.goalkeeper.includes(number)
          ? 'Goalkeeper'
          : 'Outfield',
      },
      signal,
    );
    return { type: 'shirt.reserved' };
  },
  async savePhoto({ context, ports, signal }) {
    const id = registrationOf(context, 'savePhoto');
    if (!(await holdsRegistration(context, ports))) return { type: 'registration.takenOver' };
    const upload = need(context.upload, 'savePhoto', 'an upload');
    const season = need(context.code, 'savePhoto', 'a code').season;
    const photoLink = await ports.photos.store(upload.id, `${season}/${id}.jpg`, signal);
    await ports.registrations.update(id, { id_image_link: photoLink }, signal);
    return { type: 'photo.saved', photoLink };
  },
};
