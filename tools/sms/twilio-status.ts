import { z } from 'zod';

/** Twilio's statuses of an outbound message. */
export const TwilioMessageStatus = z.enum([
  'accepted',
  'scheduled',
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'canceled',
  'partially_delivered',
  'read',
]);
export type TwilioMessageStatus = z.infer<typeof TwilioMessageStatus>;

/**
 * Where each status stands in a message's life: a callback with a lower or equal rank than the
 * recorded one arrived late (or twice) and changes nothing. The final statuses share a rank, so
 * the first final status recorded is kept.
 */
const RANK: Record<TwilioMessageStatus, number> = {
  accepted: 0,
  scheduled: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  canceled: 4,
  partially_delivered: 4,
  read: 5,
};

const rank = (status: string | null | undefined) => {
  const parsed = TwilioMessageStatus.safeParse(status);
  return parsed.success ? RANK[parsed.data] : null;
};

/** Whether `next` should replace `current`, whatever order Twilio's callbacks arrive in. */
export function isLaterStatus(current: string | null | undefined, next: string): boolean {
  const nextRank = rank(next);
  if (nextRank === null) return false;
  const currentRank = rank(current);
  return currentRank === null || nextRank > currentRank;
}

const emptyAsMissing = (value: unknown) => (value === '' ? undefined : value);

/** The fields we use of Twilio's status callback form (it sends more, such as To and From). */
export const TwilioStatusCallback = z.object({
  AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/),
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/),
  MessageStatus: TwilioMessageStatus,
  /** Set when the status is failed or undelivered (30003 unreachable handset, 30006 landline…). */
  ErrorCode: z.preprocess(emptyAsMissing, z.string().regex(/^\d+$/).optional()),
  /** The carrier's receipt time, YYMMDDhhmm with no time zone, on delivered and undelivered. */
  RawDlrDoneDate: z.preprocess(emptyAsMissing, z.string().optional()),
});
export type TwilioStatusCallback = z.infer<typeof TwilioStatusCallback>;

const DELIVERY_ERRORS: Record<string, string> = {
  '30001': 'queue overflow at Twilio',
  '30002': 'Twilio account suspended',
  '30003': 'phone switched off or unreachable',
  '30004': 'blocked by the recipient or their network',
  '30005': 'unknown number',
  '30006': 'landline or unreachable network',
  '30007': 'filtered as spam by the network',
  '30008': 'unknown delivery error',
  '21610': 'the recipient has opted out (replied STOP)',
};

/** A short English reason for a delivery error code, for the club's list of failed texts. */
export const deliveryErrorReason = (code: string) =>
  DELIVERY_ERRORS[code] ?? `delivery error ${code}`;
