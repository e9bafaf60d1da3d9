/**
 * A pure function of a string, remembered for its last `size` inputs (all forgotten at once when
 * it is full): for work a turn or a chat repeats on the same text (a parse, a check, a digest, a
 * log tag). What it returns is shared by every caller, so an object is frozen.
 */
export function remembered<T>(work: (input: string) => T, size: number): (input: string) => T {
  const seen = new Map<string, T>();
  return (input) => {
    if (seen.has(input)) return seen.get(input) as T;
    const found = Object.freeze(work(input));
    if (seen.size >= size) seen.clear();
    seen.set(input, found);
    return found;
  };
}
