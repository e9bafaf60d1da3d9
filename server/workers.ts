import type { Product } from './compose.ts';
import type { Log } from './log.ts';
import { PHOTO_QUEUE } from './photo-uploads.ts';
import { RETENTION_QUEUE } from './retention.ts';

/** How many photos one process works on at once (each may wait on a model's photo check). */
const PHOTO_CONCURRENCY = 2;

/** Starts this process's job workers; the product's close() stops them gracefully. */
export function startWorkers(product: Product, log: Log): void {
  product.stores.jobs.process(PHOTO_QUEUE, (job) => product.uploads.process(job), {
    concurrency: PHOTO_CONCURRENCY,
  });
  product.stores.jobs.process(RETENTION_QUEUE, () => product.retention.run());
  product.retention
    .start()
    .catch((error: unknown) =>
      log('retention.not_scheduled', { error: error instanceof Error ? error.name : 'unknown' }),
    );
  log('workers.started', { queues: [PHOTO_QUEUE, RETENTION_QUEUE] });
}
