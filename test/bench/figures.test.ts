import { describe, expect, it } from 'vitest';
import { settled } from './figures.mts';

/** A round whose server took `main` ms per turn on its main thread and `other` beside it. */
const round = (main: number, other: number) => ({
  cpuMsPerTurn: main + other,
  mainThreadCpuMsPerTurn: main,
});

describe('settled: when a server has warmed up', () => {
  it('is not, while V8 still compiles on its background threads', () => {
    // Rounds 5–8 of the compiled web process under the bench's load.
    expect(settled([round(0.311, 0.144), round(0.311, 0.083), round(0.318, 0.098)])).toBe(false);
  });

  it('is, once the other threads took at most a tenth of the main thread in two rounds in a row', () => {
    expect(settled([round(0.311, 0.098), round(0.303, 0.023), round(0.273, 0.015)])).toBe(true);
  });

  it('is not after one quiet round, nor when a later round is busy again', () => {
    expect(settled([round(0.311, 0.098), round(0.303, 0.023)])).toBe(false);
    expect(settled([round(0.303, 0.023), round(0.28, 0.068)])).toBe(false);
    expect(settled([round(0.303, 0.023)])).toBe(false);
    expect(settled([])).toBe(false);
  });

  it('takes another share or number of rounds', () => {
    const rounds = [round(0.3, 0.04), round(0.3, 0.04), round(0.3, 0.04)];
    expect(settled(rounds)).toBe(false);
    expect(settled(rounds, 0.15)).toBe(true);
    expect(settled(rounds, 0.15, 4)).toBe(false);
  });
});
