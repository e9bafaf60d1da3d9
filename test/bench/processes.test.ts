import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { entryArgs, productionNodeFlags, ROOT } from './processes.mts';

const run = promisify(execFile);

describe('the benches run the compiled build as production does', () => {
  it.each([
    ['main', 'node dist/server/main.js', []],
    ['main', 'node --max-semi-space-size=8 dist/server/main.js', ['--max-semi-space-size=8']],
    [
      'worker',
      'node --max-old-space-size=256  dist/server/worker.js',
      ['--max-old-space-size=256'],
    ],
  ] as const)("with the node flags of %s's script (%s)", (entry, script, flags) => {
    expect(productionNodeFlags(entry, script)).toEqual(flags);
  });

  it('refuses a production script that does not run the compiled entry with node', () => {
    expect(() => productionNodeFlags('main', 'tsx server/main.ts')).toThrow(/start:prod is not/);
    expect(() => productionNodeFlags('worker', 'node dist/server/main.js')).toThrow(
      /worker:prod is not/,
    );
  });

  it.each(['main', 'worker'] as const)(
    "starts %s with this repository's production flags, which node accepts",
    async (entry) => {
      const args = entryArgs({ kind: 'dist', dir: join(ROOT, 'dist') }, entry);
      expect(args.at(-1)).toBe(join(ROOT, 'dist', 'server', `${entry}.js`));
      expect(args.slice(0, -1)).toEqual(productionNodeFlags(entry));
      const { stdout } = await run(process.execPath, [...args.slice(0, -1), '-p', '1 + 1']);
      expect(stdout.trim()).toBe('2');
    },
  );

  it('runs the TypeScript through tsx as npm start does, with no production flags', () => {
    expect(entryArgs({ kind: 'tsx', dir: ROOT }, 'main')).toEqual([
      '--import',
      'tsx',
      join(ROOT, 'server', 'main.ts'),
    ]);
  });
});
