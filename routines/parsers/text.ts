/** Characters parents type instead of a straight apostrophe. */
const APOSTROPHES = /[\u2018\u2019\u201B\u02BC\u0060\u00B4\u2032]/g;

/** Unicode dashes that NFKC leaves alone. */
const DASHES = /[\u2010-\u2015\u2212]/g;

/** NFKC-normalises, straightens apostrophes and dashes, and trims; non-strings become ''. */
export function clean(text: unknown): string {
  if (typeof text !== 'string') return '';
  return text.replace(APOSTROPHES, "'").normalize('NFKC').replace(DASHES, '-').trim();
}

/** Collapses every run of whitespace to one space. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Lower-case words (letters, digits and apostrophes), punctuation dropped. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}']+/gu, ' ')
    .split(' ')
    .map((word) => word.replace(/^'+|'+$/g, ''))
    .filter((word) => word.length > 0);
}

/** True when `phrase` (space-separated words) occurs as whole words in `list`. */
export function hasPhrase(list: readonly string[], phrase: string): boolean {
  return indexOfPhrase(list, phrase) >= 0;
}

/** Index where `phrase` (space-separated words) starts in `list`, or -1. */
export function indexOfPhrase(list: readonly string[], phrase: string): number {
  const target = phrase.split(' ');
  for (let i = 0; i + target.length <= list.length; i += 1) {
    if (target.every((word, j) => list[i + j] === word)) return i;
  }
  return -1;
}
