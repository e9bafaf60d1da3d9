import { openJsonFile } from '../json-file.ts';

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
}

/** Masks a phone number for logs: +4477•••••123. */
export const maskPhone = (phone: string) => phone.replace(/^(\+?\d{4})\d+(\d{3})$/, '$1•••••$2');

type Log = (event: string, data?: Record<string, unknown>) => void;

/**
 * The embedded outbox: messages are kept under DATA_DIR and "sent" by writing their link to the log,
 * so that a developer can follow the payment journey with no SMS provider.
 */
export async function createLoggingSmsOutbox(
  path: string | null,
  log: Log,
  now = () => new Date(),
): Promise<SmsOutbox> {
  const file = await openJsonFile<{ messages: QueuedSms[] }>(path, () => ({ messages: [] }));
  return {
    async enqueue(message) {
      if (file.read().messages.some((queued) => queued.key === message.key)) return;
      const queued: QueuedSms = {
        ...message,
        status: 'sent',
        queuedAt: now().toISOString(),
        attempts: 1,
      };
      await file.update((data) => data.messages.push(queued));
      const link = /https?:\/\/\S+/.exec(message.body)?.[0] ?? null;
      log('sms.sent', { to: maskPhone(message.to), link, length: message.body.length });
    },
    async list() {
      return file.read().messages.map((message) => ({ ...message }));
    },
  };
}
