/** The queue every text travels on; a text's job id is its key. */
export const SMS_QUEUE = 'sms';

/**
 * A text message to send: `key` makes queueing the same message twice harmless (it is also the
 * text's job id, so letters, digits, '-', '_' and '.' only), `to` is a number in E.164.
 */
export type OutgoingSms = { key: string; registrationId: string; to: string; body: string };

/**
 * Where a text stands: waiting to be sent (or retried), accepted by the provider, delivered to the
 * handset, or failed (refused, undeliverable, or never accepted after every try).
 */
export type TextStatus = 'queued' | 'sent' | 'delivered' | 'failed';
export const TEXT_STATUSES = ['queued', 'sent', 'delivered', 'failed'] as const;

/** One text in the outbox, as the club sees it. */
export type QueuedSms = OutgoingSms & {
  status: TextStatus;
  /** The provider's id of the message (Twilio's SM…), once it accepted it. */
  providerId: string | null;
  /** The provider's own last status (queued, sent, delivered, undelivered…). */
  providerStatus: string | null;
  /** Send attempts started. */
  attempts: number;
  /** Why the last attempt or the delivery failed, in words without personal data. */
  lastError: string | null;
  queuedAt: string;
  updatedAt: string;
};

/** A durable outbox of text messages: queueing never blocks a parent on the SMS provider. */
export interface SmsOutbox {
  /** Keeps the text and queues its job; the same key again changes nothing. */
  enqueue(message: OutgoingSms, signal?: AbortSignal): Promise<void>;
  list(filter?: { status?: TextStatus; registrationId?: string }): Promise<QueuedSms[]>;
  /** Erases every message whose key starts with `prefix` (a registration's); how many. */
  erase(prefix: string): Promise<number>;
}

/** What the sending job and the status callbacks change in the outbox. */
export interface SmsOutboxRecords extends SmsOutbox {
  get(key: string): Promise<QueuedSms | null>;
  /** Counts one more attempt and keeps its error (null when it starts). */
  noteAttempt(key: string, attempt: number, error: string | null): Promise<void>;
  /** The provider accepted the text under `providerId`. */
  markSent(key: string, providerId: string): Promise<void>;
  /** The text will not be sent: the provider refused it, or was never reached. */
  markFailed(key: string, reason: string): Promise<void>;
  /**
   * Records a provider status (with its error reason) if it is later in a message's life than the
   * one recorded, in one atomic step; returns whether it changed anything.
   */
  recordProviderStatus(key: string, status: string, error: string | null): Promise<boolean>;
  /** The text most recently queued for a registration: the one its record shows. */
  latestFor(registrationId: string): Promise<QueuedSms | null>;
}

/** Masks a phone number for logs: +4477•••••123. */
export const maskPhone = (phone: string) => phone.replace(/^(\+?\d{4})\d+(\d{3})$/, '$1•••••$2');
