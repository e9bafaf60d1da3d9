import { clean } from './text.ts';
import { fail, ok, type Parsed } from './result.ts';

const MAX_LENGTH = 500;
const EXAMPLE = 'e.g. M32 8JL';

/** A normalised UK postcode (upper case, one space before the last three characters). */
export const POSTCODE_PATTERN = /^(GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2})$/;

const FULL = /(?<![A-Z\d])(GIR\s{0,3}0AA|[A-Z]{1,2}\d[A-Z\d]?\s{0,3}\d[A-Z]{2})(?![A-Z\d])/g;
const OUTWARD_ONLY = /(?<![A-Z\d])[A-Z]{1,2}\d[A-Z\d]?(?![A-Z\d])/;

/** Upper-cases a postcode and puts exactly one space before the last three characters. */
function normalise(postcode: string): string {
  const compact = postcode.replace(/\s/g, '');
  return `${compact.slice(0, -3)} ${compact.slice(-3)}`;
}

/** Why no postcode was found: only the first half was given, or nothing postcode-like. */
function missingReason(message: string): string {
  if (OUTWARD_ONLY.test(message)) {
    return `That looks like only the first half of a postcode. Please send the full postcode, ${EXAMPLE}.`;
  }
  return `That doesn't look like a UK postcode. Please send the full postcode, ${EXAMPLE}.`;
}

const COMPACT = /^(?:[A-Z]{1,2}\d[A-Z\d]?[0O][A-Z]{2}|[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2})$/;

/**
 * A postcode typed with a dash, a space in the wrong place or an O for the zero ("M41-0AA",
 * "M4 10AA", "m 32 8jl", "M41 OAA"): two or three neighbouring pieces that join into one.
 */
function looselyTyped(message: string): string | null {
  const pieces = message.split(/[\s-]+/).map((piece) => piece.replace(/[.,;:!?]+$/, ''));
  for (let size = 1; size <= 3; size += 1) {
    for (let start = 0; start + size <= pieces.length; start += 1) {
      const joined = pieces.slice(start, start + size).join('');
      if (joined.length >= 5 && joined.length <= 7 && COMPACT.test(joined)) {
        const inward = joined.slice(-3).replace(/^O/, '0');
        return `${joined.slice(0, -3)} ${inward}`;
      }
    }
  }
  return null;
}

/** Finds a UK postcode anywhere in a message and returns it normalised, e.g. "M32 8JL". */
export function parseUkPostcode(text: string): Parsed<string> {
  const message = clean(text).toUpperCase();
  if (message.length > MAX_LENGTH) {
    return fail(`That message is too long. Please just type your postcode, ${EXAMPLE}.`);
  }
  const found = new Set(Array.from(message.matchAll(FULL), (match) => normalise(match[0])));
  if (found.size > 1) {
    return fail(
      'I can see more than one postcode there. Which one should we use? Please send just one.',
    );
  }
  const [postcode] = found;
  if (postcode !== undefined) return ok(postcode);
  const loose = looselyTyped(message);
  return loose && POSTCODE_PATTERN.test(loose) ? ok(loose) : fail(missingReason(message));
}
