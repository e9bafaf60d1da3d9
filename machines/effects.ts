import { createHash } from 'node:crypto';
import { fillText, type ClubConfig } from '../routines/club.ts';
import { Address } from '../routines/draft.ts';
import { effectKey, identityOf, registrationIdOf } from '../routines/identity.ts';
import { toE164 } from '../routines/parsers/phones.ts';
import type { RegistrationRecords } from '../tools/airtable/records-port.ts';
import type { Jobs } from '../tools/jobs/port.ts';
import type { KeyValueStore } from '../tools/kv/port.ts';
import type { AddressSearch } from '../tools/address-lookup/port.ts';
import { ToolUnavailableError } from '../tools/tool.ts';
import type { Payments } from '../tools/payments/port.ts';
import type { PhotoStore } from '../tools/photos/photos.ts';
import { photoKeyFor } from '../tools/photos/port.ts';
import {
  RegistrationFields,
  type RegistrationStore,
} from '../tools/registrations/registrations.ts';
import type { SmsOutbox } from '../tools/sms/sms.ts';
import type { TeamDirectory } from '../tools/teams/teams.ts';
import {
  billingRequestKey,
  linkTokenFor,
  madeLinkToken,
  paymentLinkUrl,
  PAYMENT_REMINDER_QUEUE,
} from './payment-link.ts';
import { recordCorrection, toRegistrationFields } from './record.ts';
import {
  candidateOf,
  heldFrom,
  previousAgeGroup,
  previousSeason,
  type HeldRecord,
} from './held-record.ts';
import { createStoreRegistrationRecords } from '../tools/registrations/records.ts';
import { monthlyAmountFor, siblingCandidate } from './sibling-discount.ts';
import { hasSibling } from '../routines/sibling.ts';
import type { EffectId, SessionContext, SessionEvent } from './setup.ts';
import type { TurnMemory } from './runner.ts';

/** The outside world, as the effects see it. */
export type EffectPorts = {
  teams: TeamDirectory;
  /** Finds the delivery addresses of a house in a postcode; its own timeout bounds the turn. */
  addressLookup: AddressSearch;
  registrations: RegistrationStore;
  payments: Payments;
  sms: SmsOutbox;
  photos: PhotoStore;
  /** Claims and flags shared by every process: who is registering which child, who needs the club. */
  ledger: KeyValueStore;
  /** The club's records by its own key: previous seasons' records of a returning player. */
  clubRecords?: RegistrationRecords;
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
  /** This turn's memory, shared with the turn's later effects (never saved). */
  turn: TurnMemory;
};

/** Where createPayment leaves the link token it made for sendPaymentLink, right after it. */
const LINK_TOKEN = 'paymentLinkToken';

/** Thrown when an effect is reached without what it needs: a machine bug, reported as effect.failed. */
export class EffectPreconditionError extends Error {
  constructor(effect: EffectId, missing: string) {
    super(`${effect} needs ${missing}`);
    this.name = 'EffectPreconditionError';
  }
}

/** A kit size as the club's table offers it (the draft holds one of the club's sizes). */
const KitSize = RegistrationFields.shape.kit_size.unwrap();

const need = <T>(value: T | null | undefined, effect: EffectId, what: string): T => {
  if (value === null || value === undefined) throw new EffectPreconditionError(effect, what);
  return value;
};

/**
 * Looks up the house in the postcode. Addresses that do not fit the club's record are left out;
 * a lookup with none left is treated as the service failing, so the parent types the address.
 */
const lookUp = async (
  { context, ports, signal }: EffectRun,
  who: 'parent' | 'child',
): Promise<SessionEvent> => {
  const { draft } = context;
  const postcode = who === 'parent' ? draft.parentPostcode : draft.childPostcode;
  const houseNumber = who === 'parent' ? draft.parentHouseNumber : draft.childHouseNumber;
  const effect = who === 'parent' ? 'lookUpParentAddress' : 'lookUpChildAddress';
  const result = await ports.addressLookup.search(
    {
      postcode: need(postcode, effect, 'a postcode'),
      house: need(houseNumber, effect, 'a house number'),
    },
    signal,
  );
  if (result.kind === 'houseNotFound') return { type: 'address.houseNotFound' };
  if (result.kind === 'postcodeUnknown') return { type: 'address.postcodeUnknown' };
  const addresses = result.addresses.flatMap((found) => {
    const parsed = Address.safeParse(found);
    return parsed.success ? [parsed.data] : [];
  });
  if (addresses.length === 0) {
    throw new ToolUnavailableError('addressLookup', {
      cause: new Error('no address fits the record'),
    });
  }
  return { type: 'address.found', addresses };
};

/** How long a claim on a child's registration lasts without a save (a session's lifetime). */
const CLAIM_TTL_MS = 14 * 24 * 3600_000;

/** A session as the ledger names it: a digest, never the session id itself (a bearer secret). */
export const ownerOf = (sessionId: string) =>
  createHash('sha256').update(`session:${sessionId}`).digest('hex').slice(0, 16);
const claimKey = (registrationId: string) => `claim.${registrationId}`;
/** The sessions that have held a child's details, for an erasure to find them all. */
export const sessionsKey = (registrationId: string) => `sessions.${registrationId}`;
/** Outlives every session that could be listed (they last at most CLAIM_TTL_MS after a save). */
const SESSIONS_TTL_MS = 2 * CLAIM_TTL_MS;

/** Lists the session under the registration whose child it names (read, add, write: idempotent). */
async function indexSession(
  ledger: EffectPorts['ledger'],
  registrationId: string,
  sessionId: string,
) {
  const listed = await ledger.get(sessionsKey(registrationId));
  const ids = Array.isArray(listed) ? listed.filter((id) => typeof id === 'string') : [];
  if (ids.includes(sessionId)) return;
  await ledger.set(sessionsKey(registrationId), [...ids, sessionId], SESSIONS_TTL_MS);
}
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

type Shirt = {
  registrationId: string;
  team: string;
  ageGroup: string;
  season: string;
  number: number;
};
const shirtKey = ({ season, team, ageGroup, number }: Shirt) =>
  `shirt.${season}.${team.trim().toLowerCase().replace(/\s+/g, '-')}.${ageGroup.toLowerCase()}.${number}`;
const holderOf = (value: unknown) =>
  typeof value === 'object' && value !== null && 'registrationId' in value
    ? String(value.registrationId)
    : null;

/**
 * Holds a shirt number for one child in the ledger, atomically across every process (Redis when
 * configured), and lets go of the number the same child held before.
 */
async function holdShirtNumber(ledger: KeyValueStore, shirt: Shirt) {
  const key = shirtKey(shirt);
  const mine = `shirt-of.${shirt.registrationId}`;
  // The number this child held before is read with the hold, in the same round trip.
  const [held, previous] = await Promise.all([
    ledger.setIfAbsent(key, { registrationId: shirt.registrationId }),
    ledger.get(mine),
  ]);
  if (holderOf(held.value) !== shirt.registrationId) return false;
  if (typeof previous === 'string' && previous !== key) {
    if (holderOf(await ledger.get(previous)) === shirt.registrationId)
      await ledger.delete(previous);
  }
  await ledger.set(mine, key);
  return true;
}

async function letGoOfShirtNumber(ledger: KeyValueStore, shirt: Shirt) {
  const key = shirtKey(shirt);
  if (holderOf(await ledger.get(key)) === shirt.registrationId) await ledger.delete(key);
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
  const family = { parentFirstName, parentLastName, childLastName };
  const others = (await ports.registrations.find({ season, family }, signal)).filter(
    (other) => other.id !== registrationId,
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

/** Last season's records of the returning player the code names, read for the draft. */
async function heldRecords(
  { context, ports, club, signal }: EffectRun,
  effect: EffectId,
): Promise<HeldRecord[]> {
  const code = need(context.code, effect, 'a code');
  const player = need(code.player, effect, "the code's player");
  const records = ports.clubRecords ?? createStoreRegistrationRecords(ports.registrations);
  const found = await records.findPrevious(
    previousSeason(code.season),
    {
      firstName: player.firstName,
      lastName: player.lastName,
      team: code.team,
      ageGroup: previousAgeGroup(code.ageGroup),
    },
    signal,
  );
  return found
    .map((record) => heldFrom(record.fields, club, code.season))
    .filter((held): held is HeldRecord => held !== null);
}

/** What each effect state does. Every effect is idempotent: running it twice changes nothing more. */
export const effects: Record<EffectId, (run: EffectRun) => Promise<SessionEvent>> = {
  async findTeam({ context, ports, signal }) {
    const nearNames = (name: string) =>
      [
        /s$/i.test(name) ? name.slice(0, -1) : `${name}s`,
        name.replace(/^the[\s_]*/i, ''),
        name.replace(/_/g, ''),
      ].filter((near) => near.length > 1 && near.toLowerCase() !== name.toLowerCase());
    const code = need(context.pendingCode, 'findTeam', 'a code');
    const team = await ports.teams.find(
      { name: code.team, ageGroup: code.ageGroup, season: code.season },
      signal,
    );
    if (team) {
      return {
        type: 'team.found',
        team: { name: team.name, ageGroup: team.ageGroup, needsNewKit: team.needsNewKit },
      };
    }
    // A near miss ("Lion" for "Lions"): the team the parent probably meant, offered, never assumed.
    for (const name of nearNames(code.team)) {
      const near = await ports.teams.find({ ...code, name }, signal);
      if (near)
        return { type: 'team.notFound', suggestion: { name: near.name, ageGroup: near.ageGroup } };
    }
    return { type: 'team.notFound' };
  },
  /**
   * A returning player: last season's records by the code's name, team and age group (tolerant of
   * case, accents, hyphens and apostrophes). Nothing of them is shown before the family's check.
   */
  async findPrevious(run) {
    const candidates = (await heldRecords(run, 'findPrevious')).map(candidateOf).slice(0, 5);
    return candidates.length > 0
      ? { type: 'previous.found', candidates }
      : { type: 'previous.notFound' };
  },
  /** The record the family's answer matched, read again (gone since: as if never found). */
  async loadHeld(run) {
    const previous = need(run.context.returning?.previous, 'loadHeld', 'a matched record');
    const held = (await heldRecords(run, 'loadHeld')).find(
      (record) => record.registrationId === previous.registrationId,
    );
    return held ? { type: 'held.loaded', held } : { type: 'previous.notFound' };
  },
  /**
   * The child is known: one registration per child and season.
  /**
   * The child is known: one registration per child and season. A child already paid for is
   * finished; one saved or under way in another chat is offered to the parent to carry on here.
   */
  async claimRegistration({ context, ports, signal }) {
    const season = need(context.code, 'claimRegistration', 'a code').season;
    const identity = need(identityOf(season, context.draft), 'claimRegistration', 'the child');
    const id = registrationIdOf(identity);
    const owner = ownerOf(context.sessionId);
    // This session now holds the child's details, whoever holds the registration.
    await indexSession(ports.ledger, id, context.sessionId);
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
  async createPayment({ context, ports, club, signal, turn }) {
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
    // Independent and each idempotent: sent together (one round trip where the stores share one).
    await Promise.all([
      // Webhooks about this billing request find their registration through the ledger.
      ports.ledger.set(billingRequestKey(billingRequestId), { registrationId: id }),
      linkTokenFor(ports.ledger, id).then((token) => turn.set(LINK_TOKEN, token)),
      // Once: a link still unused after the club's number of days is followed up by text.
      ports.jobs.add(
        PAYMENT_REMINDER_QUEUE,
        `reminder.${id}`,
        { registrationId: id },
        { delayMs: club.payments.reminderAfterDays * 86_400_000 },
      ),
    ]);
    await ports.registrations.update(id, { billing_request_id: billingRequestId }, signal);
    return { type: 'payment.created' };
  },
  async sendPaymentLink({ context, ports, club, publicBaseUrl, now, signal, turn }) {
    const id = registrationOf(context, 'sendPaymentLink');
    const stored = need(
      await ports.registrations.get(id, signal),
      'sendPaymentLink',
      'a saved registration',
    );
    need(stored.fields.billing_request_id, 'sendPaymentLink', 'a billing request');
    const mobile = need(context.draft.parentMobile, 'sendPaymentLink', 'a mobile number');
    // createPayment, the effect before this one, made the token (and the key that leads back);
    // in the same turn it says which, else it is read back.
    const made = turn.get(LINK_TOKEN);
    const token = typeof made === 'string' ? made : await madeLinkToken(ports.ledger, id);
    const link = paymentLinkUrl(publicBaseUrl, token);
    const body = fillText(club.texts.paymentLink, {
      clubName: club.name,
      parentFirstName: context.draft.parentFirstName,
      childFirstName: context.draft.childFirstName ?? 'Your child',
      link: link.href,
    });
    // Written before the job exists, and once: the worker's later statuses are never overwritten.
    if (stored.fields.sms_delivery_status === undefined) {
      await ports.registrations.update(
        id,
        { sms_sent_at: now.toISOString(), sms_delivery_status: 'pending' },
        signal,
      );
    }
    // Queued only: the worker sends it, so a provider outage never holds up the parent's turn.
    const key = effectKey(id, 'sendPaymentLink', [mobile]);
    await ports.sms.enqueue({ key, registrationId: id, to: toE164(mobile), body }, signal);
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
    const season = need(context.code, 'reserveShirtNumber', 'a code').season;
    const shirt = { registrationId: id, team: team.name, ageGroup: team.ageGroup, season, number };
    // A returning player whose team keeps its kit keeps the number with no new kit; anyone else
    // gets the kit with the number, in the same write.
    const kit =
      context.journey !== 'returning' || context.draft.kitSize !== undefined
        ? {
            new_kit_required: 'Y' as const,
            kit_size: KitSize.parse(
              need(context.draft.kitSize, 'reserveShirtNumber', 'a kit size'),
            ),
            kit_type_required: club.shirtNumbers.goalkeeper.includes(number)
              ? ('Goalkeeper' as const)
              : ('Outfield' as const),
          }
        : null;
    if (!(await holdShirtNumber(ports.ledger, shirt))) return { type: 'shirt.taken' };
    const outcome = await ports.registrations.reserveShirtNumber(
      kit ? { ...shirt, with: kit } : shirt,
      signal,
    );
    if (outcome === 'taken') {
      await letGoOfShirtNumber(ports.ledger, shirt);
      return { type: 'shirt.taken' };
    }
    return { type: 'shirt.reserved' };
  },
  /**
   * Stores the staged photo (the prepared JPEG the photo job left there) under the registration's
   * own key, so a second photo of the same child replaces only theirs, then links it on the record.
   */
  async savePhoto({ context, ports, signal }) {
    const id = registrationOf(context, 'savePhoto');
    if (!(await holdsRegistration(context, ports))) return { type: 'registration.takenOver' };
    const upload = need(context.upload, 'savePhoto', 'an upload');
    const photoLink = await ports.photos.store(upload.id, photoKeyFor(id), signal);
    await ports.registrations.update(id, { id_image_link: photoLink }, signal);
    return { type: 'photo.saved', photoLink };
  },
};
