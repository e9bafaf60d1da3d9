/** What a parser makes of a reply: a normalised value, or a sentence telling the parent what to fix. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const fail = <T = never>(reason: string): Parsed<T> => ({ ok: false, reason });

/** Shapes a parsed value into a routine's answer, passing a failure through untouched. */
export const mapParsed = <T, U>(parsed: Parsed<T>, shape: (value: T) => U): Parsed<U> =>
  parsed.ok ? { ok: true, value: shape(parsed.value) } : parsed;
