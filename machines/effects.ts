import type { ClubConfig } from '../routines/club.ts';
import { toE164 } from '../routines/parsers/phones.ts';
import type { AddressLookup } from '../tools/address-lookup/address-lookup.ts';
import type { Payments } from '../tools/payments/payments.ts';
import type { PhotoStore } from '../tools/photos/photos.ts';
import type { RegistrationStore } from '../tools/registrations/registrations.ts';
import type { SmsOutbox } from '../tools/sms/sms.ts';
import type { TeamDirectory } from '../tools/teams/teams.ts';
import { toRegistrationFields } from './record.ts';
import type { EffectId, SessionContext, SessionEvent } from './setup.ts';

/** The outside world, as the effects see it. */
export type EffectPorts = {
  teams: TeamDirectory;
  addressLookup: AddressLookup;
  registrations: RegistrationStore;
  payments: Payments;
  sms: SmsOutbox;
  photos: PhotoStore;
};

export type EffectRun = {
  context: SessionContext;
  ports: EffectPorts;
  club: ClubConfig;
  /** Where links in texts point, e.g. https://register.example.org. */
  publicBaseUrl: string;
  /** Derived from the registration and the effect: the same step always sends the same key. */
  idempotencyKey: string;
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
  lookUpParentAddress: (run) => lookUp(run, 'parent'),
  lookUpChildAddress: (run) => lookUp(run, 'child'),
  async saveRegistration({ context, ports, club, now, signal }) {
    const id = need(context.registrationId, 'saveRegistration', 'a registration id');
    await ports.registrations.upsert(id, toRegistrationFields(context, club, now), signal);
    return { type: 'registration.saved' };
  },
  async createPayment({ context, ports, club, idempotencyKey, signal }) {
    const id = need(context.registrationId, 'createPayment', 'a registration id');
    const { draft, team } = context;
    const player = `${draft.childFirstName ?? ''} ${draft.childLastName ?? ''}`.trim();
    const { billingRequestId } = await ports.payments.createBillingRequest(
      {
        idempotencyKey,
        signingOnFeePence: club.fees.signingOnPence,
        description: `${club.shortName} signing-on fee - ${player}`,
        metadata: { registration_id: id, team: team?.name ?? '', age_group: team?.ageGroup ?? '' },
      },
      signal,
    );
    await ports.registrations.update(id, { billing_request_id: billingRequestId }, signal);
    return { type: 'payment.created' };
  },
  async sendPaymentLink({ context, ports, club, publicBaseUrl, idempotencyKey, now, signal }) {
    const id = need(context.registrationId, 'sendPaymentLink', 'a registration id');
    const stored = need(
      await ports.registrations.get(id, signal),
      'sendPaymentLink',
      'a saved registration',
    );
    const billingRequestId = need(
      stored.fields.billing_request_id,
      'sendPaymentLink',
      'a billing request',
    );
    const mobile = need(context.draft.parentMobile, 'sendPaymentLink', 'a mobile number');
    const link = new URL(
      `reg_setup/${encodeURIComponent(billingRequestId)}`,
      `${publicBaseUrl.replace(/\/$/, '')}/`,
    );
    const body = [
      `Hi ${context.draft.parentFirstName ?? ''}, this is the registration assistant from ${club.name}.`,
      `${context.draft.childFirstName ?? 'Your child'}'s registration is almost complete: please pay the signing-on fee and set up the monthly Direct Debit here:`,
      link.href,
    ].join(' ');
    await ports.sms.enqueue({ key: idempotencyKey, to: toE164(mobile), body }, signal);
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
        need(context.registrationId, 'checkKit', 'a registration id'),
        { new_kit_required: 'N' },
        signal,
      );
    }
    return { type: 'kit.checked', needsNewKit };
  },
  async reserveShirtNumber({ context, ports, club, signal }) {
    const id = need(context.registrationId, 'reserveShirtNumber', 'a registration id');
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
    const id = need(context.registrationId, 'savePhoto', 'a registration id');
    const upload = need(context.upload, 'savePhoto', 'an upload');
    const season = need(context.code, 'savePhoto', 'a code').season;
    const photoLink = await ports.photos.store(upload.id, `${season}/${id}.jpg`, signal);
    await ports.registrations.update(id, { id_image_link: photoLink }, signal);
    return { type: 'photo.saved', photoLink };
  },
};
