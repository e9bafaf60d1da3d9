const UNITS: Readonly<Record<string, number>> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};

const TENS: Readonly<Record<string, number>> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

/** "first" … "nineteenth" as numbers. */
export const ORDINAL_UNITS: Readonly<Record<string, number>> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  eleventh: 11,
  twelfth: 12,
  thirteenth: 13,
  fourteenth: 14,
  fifteenth: 15,
  sixteenth: 16,
  seventeenth: 17,
  eighteenth: 18,
  nineteenth: 19,
};

const ORDINAL_TENS: Readonly<Record<string, number>> = {
  twentieth: 20,
  thirtieth: 30,
  fortieth: 40,
  fiftieth: 50,
  sixtieth: 60,
  seventieth: 70,
  eightieth: 80,
  ninetieth: 90,
};

/** Value of a single number word (cardinal, or ordinal when allowed), if it is one. */
function wordValue(word: string, ordinals: boolean): number | undefined {
  const cardinal = UNITS[word] ?? TENS[word];
  if (cardinal !== undefined) return cardinal;
  return ordinals ? (ORDINAL_UNITS[word] ?? ORDINAL_TENS[word]) : undefined;
}

/** Value of a unit word (1-9) that may follow a tens word, e.g. the "one" in "twenty-one". */
function unitAfterTens(word: string | undefined, ordinals: boolean): number | undefined {
  if (word === undefined) return undefined;
  const value = UNITS[word] ?? (ordinals ? ORDINAL_UNITS[word] : undefined);
  return value !== undefined && value >= 1 && value <= 9 ? value : undefined;
}

/** Numbers written as English words up to 99 ("seven", "twenty-one", "fifteenth" if ordinals). */
export function numberWords(text: string, ordinals: boolean): number[] {
  const tokens = text.toLowerCase().split(/[^a-z]+/);
  const found: number[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const value = wordValue(tokens[i] ?? '', ordinals);
    if (value === undefined) continue;
    const unit =
      TENS[tokens[i] ?? ''] === undefined ? undefined : unitAfterTens(tokens[i + 1], ordinals);
    if (unit === undefined) {
      found.push(value);
    } else {
      found.push(value + unit);
      i += 1;
    }
  }
  return found;
}

/** Whole numbers written in digits, with or without an ordinal suffix ("7", "#7", "15th"). */
export function digitNumbers(text: string): number[] {
  const matches = text.toLowerCase().matchAll(/(?<![\d])(-?)(\d+)(?:st|nd|rd|th)?(?![\d])/g);
  return Array.from(matches, (match) => Number(`${match[1] ?? ''}${match[2] ?? ''}`));
}

/** True when the text contains a decimal number such as "7.5" or "7,5". */
export function hasDecimal(text: string): boolean {
  return /\d[.,]\d/.test(text);
}
