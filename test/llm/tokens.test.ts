import { describe, expect, it } from 'vitest';
import { runTokenBench } from '../bench/tokens.ts';

describe('the token bench', () => {
  it('spends fewer tokens per registration with the bounded prompt than with the whole transcript', async () => {
    const bench = await runTokenBench(1);
    expect(bench.bounded.calls).toBe(bench.transcript.calls);
    expect(bench.bounded.perRegistration).toBeGreaterThan(0);
    expect(bench.bounded.perRegistration).toBeLessThan(bench.transcript.perRegistration);
    expect(bench.ratio).toBeGreaterThan(1);
  });
});
