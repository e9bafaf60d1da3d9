import { z } from 'zod';
import type { Job } from '../tools/jobs/port.ts';
import { PermanentJobError } from '../tools/jobs/port.ts';
import type { KeyValueStore } from '../tools/kv/port.ts';
import type {
  RegistrationFields,
  RegistrationStore,
} from '../tools/registrations/registrations.ts';
import { SmsRejectedError, type SmsSender } from '../tools/sms/port.ts';
import { maskPhone, type QueuedSms, type SmsOutboxRecords } from '../tools/sms/sms.ts';
import {
  deliveryErrorReason,
  isLaterStatus,
  type TwilioStatusCallback,
} from '../tools/sms/twilio-status.ts';
import { ToolUnavailableError } from '../tools/tool.ts';
import type { Log } from './log.ts';

/**
 * How a text is retried while the provider is unreachable: 8 runs, 2 s before the first retry and
 * twice as long before each later one (2+4+…+64 s: a text still goes out after an outage of two
 * minutes; the last try is about four minutes after the first).
 */
export const TEXT_RETRY = { attempts: 8, backoffMs: 2_000 } as const;

/** Where the provider posts delivery statuses, under PUBLIC_BASE_URL. */
export const TWILIO_STATUS_PATH = '/webhooks/twilio/status';

/** Ledger entries, shared by every process. */
const sentKey = (key: string) => `sms.sent.${key}`;
const sidKey = (sid: string) => `sms.sid.${sid}`;
/** A status that arrived before its message id was recorded (Twilio can be that quick). */
const earlyKey = (sid: string) => `sms.early.${sid}`;
const EARLY_TTL_MS = 24 * 3600_000;

const SentEntry = z.object({ providerId: z.string() });
const SidEntry = z.object({ key: z.string(), registrationId: z.string() });
const EarlyEntry = z.object({ status: z.string(), error: z.string().nullable() });
const TextJob = z.object({ key: z.string() });

/** Runs `work` holding a registration's lock (shared by every process). */
export type RegistrationLock = <T>(registrationId: string, work: () => Promise<T>) => Promise<T>;

export type TextsDeps = {
  outbox: SmsOutboxRecords;
  sender: SmsSender;
  ledger: KeyValueStore;
  registrations: RegistrationStore;
  lock: RegistrationLock;
  /** PUBLIC_BASE_URL + TWILIO_STATUS_PATH, or null when no provider reports statuses. */
  statusCallbackUrl: string | null;
  /** The attempts each text's job has (to know the last one). */
  attempts: number;
  log: Log;
};

/** Sends the outbox's texts (a job each) and records what the provider says of them. */
export interface Texts {
  /** The job of one text: sends it once, records the provider's id and the status on the record. */
  process(job: Job): Promise<void>;
  /** Applies a verified status callback; `unknown` for a message we have not recorded (yet). */
  recordStatus(callback: TwilioStatusCallback): Promise<'recorded' | 'stale' | 'unknown'>;
  list: SmsOutboxRecords['list'];
}

/** The record's view of its latest text. */
function recordFields(text: QueuedSms): Partial<RegistrationFields> {
  const status =
    text.status === 'queued'
      ? 'pending'
      : text.status === 'failed'
        ? text.providerStatus === 'undelivered'
          ? 'undelivered'
          : 'failed'
        : text.status;
  return {
    sms_delivery_status: status,
    sms_delivery_error:
      status === 'failed' || status === 'undelivered' ? (text.lastError ?? '') : '',
  };
}

export function createTexts(deps: TextsDeps): Texts {
  const { outbox, sender, ledger, registrations, lock, log } = deps;

  /**
   * Writes the registration's latest text's state on its record, under the registration's lock and
   * read inside it: whichever writer runs last writes the newest state (atomic read-compare-write).
   */
  const showOnRecord = (registrationId: string) =>
    lock(registrationId, async () => {
      const latest = await outbox.latestFor(registrationId);
      if (!latest || !(await registrations.get(registrationId))) return;
      await registrations.update(registrationId, recordFields(latest));
    });

  async function applyStatus(key: string, status: string, error: string | null) {
    const text = await outbox.get(key);
    if (!text) return false;
    const changed = await outbox.recordProviderStatus(key, status, error);
    if (changed) await showOnRecord(text.registrationId);
    return changed;
  }

  /** The provider took the text: remember it first (a retry must not send it again). */
  async function recordSent(text: QueuedSms, providerId: string, status: string) {
    await ledger.set(sentKey(text.key), { providerId });
    await ledger.set(sidKey(providerId), { key: text.key, registrationId: text.registrationId });
    await outbox.markSent(text.key, providerId);
    await outbox.recordProviderStatus(text.key, status, null);
    const early = EarlyEntry.safeParse(await ledger.get(earlyKey(providerId)));
    if (early.success)
      await outbox.recordProviderStatus(text.key, early.data.status, early.data.error);
    await showOnRecord(text.registrationId);
  }

  async function fail(text: QueuedSms, reason: string, cause: unknown): Promise<never> {
    await outbox.markFailed(text.key, reason);
    await showOnRecord(text.registrationId);
    throw new PermanentJobError(`Text not sent: ${reason}`, { cause });
  }

  return {
    async process(job) {
      const { key } = TextJob.parse(job.data);
      const text = await outbox.get(key);
      if (!text) throw new PermanentJobError('A text job whose text is not in the outbox');
      const sent = SentEntry.safeParse(await ledger.get(sentKey(key)));
      if (sent.success) {
        // Sent by an earlier run that stopped before the end: finish recording, never resend.
        await outbox.markSent(key, sent.data.providerId);
        await showOnRecord(text.registrationId);
        return;
      }
      await outbox.noteAttempt(key, job.attempt, null);
      let receipt;
      try {
        receipt = await sender.send({
          to: text.to,
          body: text.body,
          ...(deps.statusCallbackUrl ? { statusCallbackUrl: deps.statusCallbackUrl } : {}),
        });
      } catch (error) {
        if (error instanceof SmsRejectedError) {
          log('sms.rejected', { key, code: error.code, to: maskPhone(text.to) });
          return fail(text, error.reason, error);
        }
        const reason =
          error instanceof ToolUnavailableError ? 'provider unreachable' : 'send error';
        await outbox.noteAttempt(key, job.attempt, reason);
        if (error instanceof ToolUnavailableError && job.attempt >= deps.attempts) {
          log('sms.gave_up', { key, attempts: job.attempt });
          return fail(text, `${reason} after ${job.attempt} tries`, error);
        }
        throw error;
      }
      // The one window left: the provider took the text and this process died before the next
      // line. The job runs again and sends a second copy (Twilio has no idempotency key).
      await recordSent(text, receipt.providerId, receipt.status);
      log('sms.accepted', {
        key,
        providerId: receipt.providerId,
        to: maskPhone(text.to),
        attempt: job.attempt,
      });
    },

    async recordStatus(callback) {
      const { MessageSid: sid, MessageStatus: status, ErrorCode: code } = callback;
      const error = code === undefined ? null : deliveryErrorReason(code);
      const known = SidEntry.safeParse(await ledger.get(sidKey(sid)));
      if (!known.success) {
        // Possibly before recordSent: kept a day for it to pick up (latest status wins there too).
        const early = EarlyEntry.safeParse(await ledger.get(earlyKey(sid)));
        if (!early.success || isLaterStatus(early.data.status, status)) {
          await ledger.set(earlyKey(sid), { status, error }, EARLY_TTL_MS);
        }
        log('sms.status_unknown', { providerId: sid, status });
        return 'unknown';
      }
      const changed = await applyStatus(known.data.key, status, error);
      log('sms.status', { providerId: sid, status, code: code ?? null, changed });
      return changed ? 'recorded' : 'stale';
    },

    list: (filter) => outbox.list(filter),
  };
}
