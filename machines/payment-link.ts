import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { KeyValueStore } from '../tools/kv/port.ts';

/** 24 random bytes (192 bits), base64url: the payment link reveals nothing and cannot be guessed. */
const TOKEN_BYTES = 24;
const TOKEN = /^[A-Za-z0-9_-]{32}$/;

const tokenDigest = (token: string) => createHash('sha256').update(token).digest('hex');
const tokenKey = (token: string) => `paylink.${tokenDigest(token)}`;
const registrationTokenKey = (registrationId: string) => `paylink.registration.${registrationId}`;

/** The queue of payment-link reminders (delayed jobs, one per registration). */
export const PAYMENT_REMINDER_QUEUE = 'payment-reminders';

/** The ledger key that finds a registration from its billing request (webhooks, the link page). */
export const billingRequestKey = (billingRequestId: string) => `gc.br.${billingRequestId}`;

const Owner = z.object({ registrationId: z.string().min(1) });
const Token = z.object({ token: z.string().regex(TOKEN) });

/**
 * The registration's payment-link token: made once (the first caller's wins, across processes)
 * and stored in the ledger against the registration; only its digest leads back.
 */
export async function linkTokenFor(ledger: KeyValueStore, registrationId: string) {
  const fresh = randomBytes(TOKEN_BYTES).toString('base64url');
  // Sent together, the key that leads back first: the ledger applies calls in the order they are
  // made, so a token is never stored without its way back (one round trip, not two).
  const [, { value }] = await Promise.all([
    ledger.set(tokenKey(fresh), { registrationId }),
    ledger.setIfAbsent(registrationTokenKey(registrationId), { token: fresh }),
  ]);
  const { token } = Token.parse(value);
  if (token !== fresh) {
    // Made before: ours leads nowhere anyone was given; theirs is written again (an older
    // version wrote it second).
    await Promise.all([
      ledger.delete(tokenKey(fresh)),
      ledger.set(tokenKey(token), { registrationId }),
    ]);
  }
  return token;
}

/**
 * The token linkTokenFor made for the registration, read in one round trip; made (as linkTokenFor
 * does) only if there is none. For an effect that runs after one that made it (createPayment).
 */
export async function madeLinkToken(ledger: KeyValueStore, registrationId: string) {
  const made = Token.safeParse(await ledger.get(registrationTokenKey(registrationId)));
  return made.success ? made.data.token : linkTokenFor(ledger, registrationId);
}

/** The registration a link token belongs to; null for anything unknown or malformed. */
export async function registrationForToken(ledger: KeyValueStore, token: string) {
  if (!TOKEN.test(token)) return null;
  const found = Owner.safeParse(await ledger.get(tokenKey(token)));
  return found.success ? found.data.registrationId : null;
}

/** `PUBLIC_BASE_URL/reg_setup/<token>`. */
export const paymentLinkUrl = (publicBaseUrl: string, token: string) =>
  new URL(`reg_setup/${token}`, `${publicBaseUrl.replace(/\/$/, '')}/`);
