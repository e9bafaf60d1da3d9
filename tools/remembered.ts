/** A function of a string with its last answers kept; `know` teaches it an answer worked out elsewhere. */
export type Remembered<T> = ((input: string) => T) & {
  /** Keeps `answer` as the answer for `input` (it must be what the function would answer). */
  know(input: string, answer: T): void;
};

/**
 * A pure function of a string, remembered for its last `size` inputs (all forgotten at once when
 * it is full): for work a turn or a chat repeats on the same text (a parse, a check, a digest, a
 * log tag). What it returns is shared by every caller, so an object is frozen.
 */
export function remembered<T>(work: (input: string) => T, size: number): Remembered<T> {
  const seen = new Map<string, T>();
  const keep = (input: string, answer: T) => {
    const found = Object.freeze(answer);
    if (seen.size >= size) seen.clear();
    seen.set(input, found);
    return found;
  };
  const answer = (input: string) =>
    seen.has(input) ? (seen.get(input) as T) : keep(input, work(input));
  return Object.assign(answer, { know: (input: string, known: T) => void keep(input, known) });
}

/**
 * A pure function of an object that never changes (a machine snapshot, a record to save),
 * remembered for as long as the object lives: a turn asks it of the same object several times.
 */
export function rememberedPer<K extends object, T>(work: (input: K) => T): (input: K) => T {
  const seen = new WeakMap<K, T>();
  return (input) => {
    if (seen.has(input)) return seen.get(input) as T;
    const found = work(input);
    seen.set(input, found);
    return found;
  };
}
