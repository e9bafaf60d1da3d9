import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LOG_MODULE = fileURLToPath(new URL('../../server/log.ts', import.meta.url));

/** Runs `script` (after `const log = createLog('info')`) in a node process: its stdout lines. */
function linesOf(script: string) {
  const source = `import { createLog } from ${JSON.stringify(LOG_MODULE)};
const log = createLog('info');
${script}`;
  return new Promise<{ events: unknown[]; code: number | null }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', source],
      { timeout: 10_000 },
      (error, stdout) => {
        const events = stdout
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => (JSON.parse(line) as { msg?: unknown }).msg);
        resolve({ events, code: error ? (error.code as number | null) : 0 });
      },
    );
  });
}

describe('the log on stdout', () => {
  it.each([
    ['exits', `log('a.one', {}); log('a.two', {}); process.exit(0);`, 0],
    ['crashes', `log('a.one', {}); log('a.two', {}); throw new Error('boom');`, 1],
    [
      'waits, then exits',
      `log('a.one', {}); setTimeout(() => { log('a.two', {}); process.exit(0); }, 400);`,
      0,
    ],
  ])('writes every line of a process that %s', async (_, script, code) => {
    expect(await linesOf(script)).toEqual({ events: ['a.one', 'a.two'], code });
  });

  it.each([
    ['exits at once', 'process.exit(0);'],
    ['exits a little later', 'setTimeout(() => process.exit(0), 50);'],
  ])('writes a burst of lines whole and in order when the process %s', async (_, exit) => {
    // 2,000 lines of about 90 characters: many batches, some written before the exit, some at it.
    const seen = await linesOf(`for (let i = 0; i < 2000; i++) log('burst.' + i, { n: i });
${exit}`);
    expect(seen.events).toEqual(Array.from({ length: 2000 }, (_, i) => `burst.${i}`));
  });

  it('writes a line within a batch interval while the process goes on', async () => {
    const seen = await linesOf(
      `log('a.one', {});
setTimeout(() => process.stderr.write('', () => process.kill(process.pid, 'SIGKILL')), 600);
setInterval(() => {}, 1000);`,
    );
    // Killed without a chance to write: only what the interval already wrote is there.
    expect(seen.events).toEqual(['a.one']);
  });
});
