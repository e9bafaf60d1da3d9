import type { Product } from './compose.ts';
import type { Log } from './log.ts';
import { PAYMENT_REMINDER_QUEUE } from '../machines/payment-link.ts';
import { PAYMENT_EVENTS_QUEUE } from './payments.ts';
import { PHOTO_QUEUE } from './photo-uploads.ts';

/** How many photos one process works on at once (each may wait on a model's photo check). */
const PHOTO_CONCURRENCY = 2;
/** Payment events of different registrations run side by side; one registration's wait on its lock. */
const PAYMENT_CONCURRENCY = 4;

/** Starts this process's job workers; the product's close() stops them gracefully. */
export function startWorkers(product: Product, log: Log): void {
  product.stores.jobs.process(PHOTO_QUEUE, (job) => product.uploads.process(job), {
    concurrency: PHOTO_CONCURRENCY,
  });
  const { events } = product.payments;
  product.stores.jobs.process(PAYMENT_EVENTS_QUEUE, (job) => events.process(job), {
    concurrency: PAYMENT_CONCURRENCY,
  });
  product.stores.jobs.process(PAYMENT_REMINDER_QUEUE, (job) => events.remind(job));
  log('workers.started', { queues: [PHOTO_QUEUE, PAYMENT_EVENTS_QUEUE, PAYMENT_REMINDER_QUEUE] });
}
