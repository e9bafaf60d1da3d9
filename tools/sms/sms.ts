/** A text message waiting to be sent; `key` makes queueing the same message twice harmless. */
export type OutgoingSms = { key: string; to: string; body: string };

export type QueuedSms = OutgoingSms & {
  status: 'queued' | 'sent' | 'failed';
  queuedAt: string;
  attempts: number;
};

/** A durable outbox of text messages: queueing never blocks a parent on the SMS provider. */
export interface SmsOutbox {
  enqueue(message: OutgoingSms, signal?: AbortSignal): Promise<void>;
  list(): Promise<QueuedSms[]>;
  /** Erases every message whose key starts with `prefix` (a registration's); how many. */
  erase(prefix: string): Promise<number>;
}

/** Masks a phone number for logs: +4477•••••123. */
export const maskPhone = (phone: string) => phone.replace(/^(\+?\d{4})\d+(\d{3})$/, '$1•••••$2');
