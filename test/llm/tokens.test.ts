import { describe, expect, it } from 'vitest';
import { runTokenBench, TARGETS } from '../bench/tokens.ts';

describe('the token bench', () => {
  it('asks the model at most five times per registration, for a quarter of the whole-transcript tokens at most', async () => {
    const bench = await runTokenBench(1);
    expect(bench.parserFirst.calls).toBeGreaterThan(0);
    expect(bench.parserFirst.calls).toBeLessThanOrEqual(TARGETS.callsPerRegistration);
    expect(bench.transcript.calls).toBeGreaterThan(bench.parserFirst.calls);
    expect(bench.parserFirst.perRegistration).toBeGreaterThan(0);
    expect(bench.share).toBeLessThanOrEqual(TARGETS.share);
  });
});
