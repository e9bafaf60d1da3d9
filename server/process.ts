import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.ts';
import type { Log } from './log.ts';

/** Whether the module at `url` is the one `node` was started with (not imported by a test). */
export const isEntryPoint = (url: string) =>
  process.argv[1] !== undefined && url === pathToFileURL(process.argv[1]).href;

/** The configuration, or every problem named on stderr and exit 1. */
export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee .env.example for every variable.\n`);
    process.exit(1);
  }
}

/**
 * On SIGTERM or SIGINT: log `<name>.stopping`, close gracefully and exit 0, or exit 1 if closing
 * fails or takes longer than `graceMs`.
 */
export function stopOnSignals(name: string, close: () => Promise<void>, log: Log, graceMs: number) {
  const stop = (signal: string) => {
    log(`${name}.stopping`, { signal });
    setTimeout(() => process.exit(1), graceMs).unref();
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
