import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startProdFlags } from './start.mts';

const run = promisify(execFile);

describe('bench:start', () => {
  it.each([
    ['node dist/server/main.js', []],
    ['node --max-semi-space-size=8 dist/server/main.js', ['--max-semi-space-size=8']],
  ])('starts the compiled build with the node flags of start:prod (%s)', (script, flags) => {
    expect(startProdFlags(script)).toEqual(flags);
  });

  it('refuses a start:prod that does not run the compiled entry with node', () => {
    expect(() => startProdFlags('tsx server/main.ts')).toThrow(/start:prod is not/);
  });

  it("passes node the flags of this repository's start:prod, which node accepts", async () => {
    const { stdout } = await run(process.execPath, [...startProdFlags(), '-p', '1 + 1']);
    expect(stdout.trim()).toBe('2');
  });
});
