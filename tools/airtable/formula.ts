/**
 * Airtable formula text for `filterByFormula`. Every value that goes into a formula goes through
 * `formulaString`, so a name like O'Brien or `a'); DELETE` can only ever be a string literal.
 */

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A double-quoted formula string literal holding exactly `value` (backslash-escaped). */
export function formulaString(value: string): string {
  return `"${value.replace(/[\\"\n\r\t]/g, (char) => ESCAPES[char] ?? char)}"`;
}

/** A field reference, `{name}`; the club's field names never contain braces. */
export function fieldRef(name: string): string {
  if (/[{}]/.test(name)) throw new Error(`A field name cannot contain braces: ${name}`);
  return `{${name}}`;
}

/** `{field} = "value"`: exact, case-sensitive equality, as Airtable compares text. */
export const fieldEquals = (field: string, value: string) =>
  `${fieldRef(field)} = ${formulaString(value)}`;

/** Equality ignoring case and surrounding spaces on both sides. */
export const fieldEqualsLoosely = (field: string, value: string) =>
  `LOWER(TRIM(${fieldRef(field)})) = LOWER(TRIM(${formulaString(value)}))`;

/** AND(...) of the clauses; a single clause is returned as it is. */
export const allOf = (...clauses: string[]) =>
  clauses.length === 1 ? (clauses[0] ?? '') : `AND(${clauses.join(', ')})`;
