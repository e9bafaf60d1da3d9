import { clean, words } from '../routines/parsers/text.ts';

/** More words than a plain answer takes (a typed address is the longest: about ten). */
const MAX_WORDS = 12;
const MAX_CHARS = 160;
/** Words the answer does not hold that a plain reply still has ("the 3rd of feb", "it's ... thanks"). */
const MAX_OTHER_WORDS = 3;
/** Words that add a second thought, a doubt or a correction to an answer (even one that holds them). */
const MORE = new Set(
  (
    'and but also plus or because cos though although actually sorry oops wait meant mean ' +
    'mistake wrong typo instead change changed correction not except unless maybe think'
  ).split(' '),
);

/** Every string and number inside an answer, in one text. */
function valuesOf(answer: unknown): string {
  if (typeof answer === 'string' || typeof answer === 'number') return String(answer);
  if (answer === null || typeof answer !== 'object') return '';
  return Object.values(answer).map(valuesOf).join(' ');
}

/**
 * Whether a reply that the routine's parser accepted holds that answer and nothing more: one
 * short message, no question mark, no second sentence, no word of doubt or correction, at most three
 * words that the answer does not hold, every number and e-mail address it contains inside the
 * answer, and every part of it between commas or line breaks too (a typed address).
 * Deliberately strict: a reply this rejects is only read again by a model, never refused.
 */
export function holdsOnlyAnswer(text: string, answer: unknown): boolean {
  const message = clean(text);
  if (message.length > MAX_CHARS || /[?;]/.test(message) || /[.!]\s+\S/.test(message)) {
    return false;
  }
  const list = words(message);
  if (list.length === 0 || list.length > MAX_WORDS) return false;
  const values = clean(valuesOf(answer)).toLowerCase();
  const valueWords = new Set(words(values));
  /** A word of the answer, or a run of digits inside one of its numbers ("07700" of a mobile). */
  const inAnswer = (word: string) =>
    valueWords.has(word) || (/^\d+$/.test(word) && values.includes(word));
  const others = list.filter((word) => !inAnswer(word));
  if (others.length > MAX_OTHER_WORDS || list.some((word) => MORE.has(word))) return false;
  if (!(message.match(/\d+/g) ?? []).every(inAnswer)) return false;
  const addresses = message.split(/\s+/).filter((token) => token.includes('@'));
  if (!addresses.every((token) => values.includes(token.toLowerCase().replace(/[.,!]+$/, '')))) {
    return false;
  }
  const parts = message.split(/[,\n]/);
  return parts.length === 1 || parts.every((part) => words(part).every(inAnswer));
}
