import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '../../server/config.ts';

const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it.each(ENV_VARIABLES)('documents %s in its configuration table', (name) => {
    expect(readme).toContain(`\`${name}\``);
  });

  it('gives the test command that .ci/run calls', async () => {
    const ci = await readFile(new URL('../../.ci/run', import.meta.url), 'utf8');
    expect(readme).toContain('```sh\nnpm test\n```');
    expect(ci).toMatch(/^npm test\b/m);
  });
});
