import type { Product } from './compose.ts';
import type { Log } from './log.ts';
import { PAYMENT_REMINDER_QUEUE } from '../machines/payment-link.ts';
import { PAYMENT_EVENTS_QUEUE } from './payments.ts';
import { PHOTO_QUEUE } from './photo-uploads.ts';
import { SMS_QUEUE } from '../tools/sms/sms.ts';
import { RECORDS_QUEUE } from '../tools/airtable/outbox.ts';
import { RETENTION_QUEUE } from './retention.ts';

/** How many photos one process works on at once (each may wait on a model's photo check). */
const PHOTO_CONCURRENCY = 2;
/** Texts wait on the provider, not on this process: a few at once. */
const SMS_CONCURRENCY = 4;
/** Payment events of different registrations run side by side; one registration's wait on its lock. */
const PAYMENT_CONCURRENCY = 4;

/** Starts this process's job workers; the product's close() stops them gracefully. */
export function startWorkers(product: Product, log: Log): void {
  product.stores.jobs.process(PHOTO_QUEUE, (job) => product.uploads.process(job), {
    concurrency: PHOTO_CONCURRENCY,
  });
  product.stores.jobs.process(SMS_QUEUE, (job) => product.texts.process(job), {
    concurrency: SMS_CONCURRENCY,
  });
  const { airtable } = product;
  if (airtable) {
    // one write at a time per process: the base's limit is shared, and parents' lookups come first
    product.stores.jobs.process(RECORDS_QUEUE, (job) => airtable.process(job), { concurrency: 1 });
  }
  product.stores.jobs.process(RETENTION_QUEUE, () => product.retention.run());
  product.retention
    .start()
    .catch((error: unknown) =>
      log('retention.not_scheduled', { error: error instanceof Error ? error.name : 'unknown' }),
    );
  const { events } = product.payments;
  product.stores.jobs.process(PAYMENT_EVENTS_QUEUE, (job) => events.process(job), {
    concurrency: PAYMENT_CONCURRENCY,
  });
  product.stores.jobs.process(PAYMENT_REMINDER_QUEUE, (job) => events.remind(job));
  log('workers.started', {
    queues: [
      PHOTO_QUEUE,
      SMS_QUEUE,
      RETENTION_QUEUE,
      PAYMENT_EVENTS_QUEUE,
      PAYMENT_REMINDER_QUEUE,
      ...(airtable ? [RECORDS_QUEUE] : []),
    ],
  });
}
