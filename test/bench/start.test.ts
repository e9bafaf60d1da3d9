import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startProdFlags } from './start.mts';

const run = promisify(execFile);

describe('bench:start', () => {
  it('starts the compiled build with the node flags of npm run start:prod, which node accepts', async () => {
    const flags = startProdFlags();
    expect(flags).toContain('--max-semi-space-size=8');
    const { stdout } = await run(process.execPath, [...flags, '-p', '1 + 1']);
    expect(stdout.trim()).toBe('2');
  });
});
