/** The small sums every bench script shares. */

/** The middle value (the upper one of an even count); NaN for none. */
export const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

/** The p-th percentile of values already sorted; NaN for none. */
export const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** 0 → "a", 25 → "z", 26 → "ba": letters that tell simulated children apart (names take no digits). */
export const letters = (n: number): string =>
  (n >= 26 ? letters(Math.floor(n / 26)) : '') + String.fromCharCode(97 + (n % 26));

/** What `settled` reads of a round: its server's CPU per turn, in all and on the main thread. */
type RoundCpu = { cpuMsPerTurn: number; mainThreadCpuMsPerTurn: number };

/**
 * Whether a server has warmed up: in each of its last `over` rounds, its threads besides the main
 * one (V8's compiler and GC helpers) took at most `share` of the main thread's CPU. While V8 is
 * still compiling hot code they take far more (0.05–0.3 ms per turn against the main thread's
 * 0.3); once it is done, only the GC helpers are left (0.01–0.03).
 */
export const settled = (rounds: readonly RoundCpu[], share = 0.1, over = 2) =>
  rounds.length >= over &&
  rounds
    .slice(-over)
    .every((r) => r.cpuMsPerTurn - r.mainThreadCpuMsPerTurn <= share * r.mainThreadCpuMsPerTurn);
