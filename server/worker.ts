import { pathToFileURL } from 'node:url';
import { composeProduct } from './compose.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLog } from './log.ts';
import { startWorkers } from './workers.ts';

/** How long shutdown lets running jobs finish before the process exits anyway. */
const GRACE_MS = 20_000;

/** `npm run worker`: the job workers alone, sharing Redis (or the SQLite file) with the web. */
async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee .env.example for every variable.\n`);
    process.exit(1);
  }
  const log = createLog(config.logLevel);
  const product = await composeProduct(config, log);
  startWorkers(product, product.log);
  log('worker.started', { redis: Boolean(config.redisUrl) });
  const stop = (signal: string) => {
    log('worker.stopping', { signal });
    setTimeout(() => process.exit(1), GRACE_MS).unref();
    product.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

const entryPoint = process.argv[1] ? pathToFileURL(process.argv[1]).href : null;
if (import.meta.url === entryPoint) await main();
