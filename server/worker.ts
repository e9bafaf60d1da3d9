import { composeProduct } from './compose.ts';
import { createLog } from './log.ts';
import { configOrExit, isEntryPoint, stopOnSignals } from './process.ts';
import { startWorkers } from './workers.ts';

/** How long shutdown lets running jobs finish before the process exits anyway. */
const GRACE_MS = 20_000;

/** `npm run worker`: the job workers alone, sharing Redis (or the SQLite file) with the web. */
async function main() {
  const config = configOrExit();
  const log = createLog(config.logLevel);
  const product = await composeProduct(config, log);
  startWorkers(product, product.log);
  void product.loadPhotoTools();
  log('worker.started', { redis: Boolean(config.redisUrl) });
  // The embedded job queue (no Redis) polls on unref'd timers, so that a web process running the
  // workers too can exit: without this, a worker process on it found nothing holding it and ended
  // at once. It is up until it is told to stop.
  const up = setInterval(() => undefined, 3_600_000);
  stopOnSignals(
    'worker',
    async () => {
      clearInterval(up);
      await product.close();
    },
    log,
    GRACE_MS,
  );
}

if (isEntryPoint(import.meta.url)) await main();
