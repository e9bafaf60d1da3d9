import { ORDINAL_UNITS } from './numbers.ts';
import { clean } from './text.ts';
import { fail, ok, type Parsed } from './result.ts';

const MAX_LENGTH = 500;
const EXAMPLE = 'e.g. 03/02/2016';
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const MONTHS: readonly (readonly string[])[] = [
  ['january', 'jan'],
  ['february', 'feb'],
  ['march', 'mar'],
  ['april', 'apr'],
  ['may'],
  ['june', 'jun'],
  ['july', 'jul'],
  ['august', 'aug'],
  ['september', 'sept', 'sep'],
  ['october', 'oct'],
  ['november', 'nov'],
  ['december', 'dec'],
];
const MONTH = `(${MONTHS.flat().join('|')})(?!\\p{L})\\.?`;

/** "2025-09" → "September" (a table: Intl builds a formatter on every call). */
export function monthName(yearMonth: string): string {
  const name = MONTHS[Number(yearMonth.slice(5, 7)) - 1]?.[0];
  if (!name) throw new RangeError(`Not a year and month: ${yearMonth}`);
  return name[0]?.toUpperCase() + name.slice(1);
}
const ORDINAL = '(?:st|nd|rd|th)?';
const SEP = '(?:\\s*[/.\\-]\\s*|\\s+)';

/** A pattern that finds one kind of written date, and which capture group holds which part. */
interface DatePattern {
  regex: RegExp;
  day: number;
  month: number;
  year: number;
}

const FULL_DATES: readonly DatePattern[] = [
  { regex: /(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/g, year: 1, month: 2, day: 3 },
  {
    regex: new RegExp(
      `(?<![\\p{L}\\d])(\\d{1,2})${ORDINAL}\\s*(?:of\\s+)?[-/.]?\\s*${MONTH},?\\s*[-/.]?\\s*(\\d{4}|\\d{2})(?!\\d)`,
      'gu',
    ),
    day: 1,
    month: 2,
    year: 3,
  },
  {
    regex: new RegExp(
      `(?<!\\p{L})${MONTH}\\s*(?:the\\s+)?(\\d{1,2})${ORDINAL},?\\s+(\\d{4}|\\d{2})(?!\\d)`,
      'gu',
    ),
    month: 1,
    day: 2,
    year: 3,
  },
  {
    regex: new RegExp(`(?<![\\d.])(\\d{1,2})${SEP}(\\d{1,2})${SEP}(\\d{4}|\\d{2})(?![\\d])`, 'g'),
    day: 1,
    month: 2,
    year: 3,
  },
];

const YEARLESS = [
  new RegExp(`(?<![\\p{L}\\d])\\d{1,2}${ORDINAL}\\s*(?:of\\s+)?${MONTH}(?!\\p{L})`, 'u'),
  new RegExp(`(?<!\\p{L})${MONTH}\\s*(?:the\\s+)?\\d{1,2}${ORDINAL}(?![\\p{L}\\d])`, 'u'),
  /(?<![\d.])\d{1,2}\s*[/-]\s*\d{1,2}(?![\d/.-])/,
];

/** A date found in the text, before checking it is real. */
interface Candidate {
  start: number;
  end: number;
  day: number;
  month: number;
  year: number;
  yearDigits: number;
  monthNamed: boolean;
}

/** Month number (1-12) for a month name or abbreviation. */
function monthNumber(text: string): number {
  const name = text.replace('.', '');
  return MONTHS.findIndex((names) => names.includes(name)) + 1;
}

/** Builds a candidate from a regex match using the pattern's group positions. */
function toCandidate(match: RegExpMatchArray, pattern: DatePattern): Candidate {
  const monthText = match[pattern.month] ?? '';
  const yearText = match[pattern.year] ?? '';
  const monthNamed = /\D/.test(monthText);
  const start = match.index ?? 0;
  return {
    start,
    end: start + match[0].length,
    day: Number(match[pattern.day]),
    month: monthNamed ? monthNumber(monthText) : Number(monthText),
    year: Number(yearText),
    yearDigits: yearText.length,
    monthNamed,
  };
}

/** Every date-shaped piece of the text, skipping pieces that overlap an earlier, stronger match. */
function findCandidates(text: string): Candidate[] {
  const found: Candidate[] = [];
  for (const pattern of FULL_DATES) {
    for (const match of text.matchAll(pattern.regex)) {
      const candidate = toCandidate(match, pattern);
      const overlaps = found.some((c) => candidate.start < c.end && c.start < candidate.end);
      if (!overlaps) found.push(candidate);
    }
  }
  return found;
}

/** Expands a two-digit year to the most recent matching year not after `todayYear`. */
function fullYear(year: number, digits: number, todayYear: number): number {
  if (digits !== 2) return year;
  const guess = Math.floor(todayYear / 100) * 100 + year;
  return guess > todayYear ? guess - 100 : guess;
}

/** Days in a month of a year (month 1-12), handling leap years. */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Zero-pads a number to a width. */
function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Resolves a candidate to an ISO date, or a reason it is not a real date. */
function resolve(candidate: Candidate, todayYear: number): Parsed<string> {
  const { day, month, monthNamed } = candidate;
  const year = fullYear(candidate.year, candidate.yearDigits, todayYear);
  if (!monthNamed && month > 12) {
    return fail(`There's no month ${month}. Please type the date as day/month/year, ${EXAMPLE}.`);
  }
  if (month < 1 || year < 1 || day < 1 || day > daysInMonth(year, month)) {
    return fail(
      `That isn't a real date. Please check it and type it as day/month/year, ${EXAMPLE}.`,
    );
  }
  return ok(`${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`);
}

/** Year of `today` (YYYY-MM-DD), falling back to the current UTC year if it is malformed. */
function yearOf(today: string): number {
  const match = ISO_DATE.exec(typeof today === 'string' ? today : '');
  return match ? Number(match[1]) : new Date().getUTCFullYear();
}

const MONTH_AND_YEAR = new RegExp(`(?<!\\p{L})${MONTH},?\\s*\\d{4}(?!\\d)`, 'u');

/** Why no full date was found: a date without a year or day, or nothing date-like at all. */
function noDateReason(text: string): string {
  if (MONTH_AND_YEAR.test(text)) return 'Please include the day too, e.g. 3rd February 2016.';
  if (YEARLESS.some((regex) => regex.test(text))) {
    return 'Please include the year too, e.g. 3rd February 2016.';
  }
  return `I couldn't find a date in that. Please type it as day/month/year, ${EXAMPLE}.`;
}

/** Edit distance of two short words, counting a swap of neighbours as one edit. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      (d[i] ?? [])[j] = best;
    }
  }
  return at(a.length, b.length);
}

const KNOWN_MONTH_WORDS = new Set(MONTHS.flat());

/** "Febuary", "Septmber", "Janaury": the month meant, by a small typo of its full name. */
function fixMonthTypos(message: string): string {
  return message.replace(/\p{L}{4,}/gu, (word) => {
    if (KNOWN_MONTH_WORDS.has(word)) return word;
    const allowed = word.length >= 6 ? 2 : 1;
    const near = MONTHS.map(([full = '']) => full).filter(
      (full) => full[0] === word[0] && full.length > 3 && distance(word, full) <= allowed,
    );
    return near.length === 1 ? (near[0] ?? word) : word;
  });
}

const ORDINAL_WORDS: Record<string, number> = { ...ORDINAL_UNITS, twentieth: 20, thirtieth: 30 };
const TENS: Record<string, number> = { twenty: 20, thirty: 30 };
const SPELLED_ORDINAL = new RegExp(
  `(?<!\\p{L})(?:(twenty|thirty)[\\s-]+)?(${Object.keys(ORDINAL_WORDS).join('|')})(?!\\p{L})`,
  'gu',
);

/** "the third of february", "twenty-first": spelled-out days as digits ("3rd", "21st"). */
function ordinalsAsDigits(message: string): string {
  return message.replace(
    SPELLED_ORDINAL,
    (_, tens: string | undefined, word: string) =>
      `${(tens ? (TENS[tens] ?? 0) : 0) + (ORDINAL_WORDS[word] ?? 0)}th`,
  );
}

/** Finds one UK-style (day first) date anywhere in a message and returns it as YYYY-MM-DD. */
export function parseDate(text: string, today: string): Parsed<string> {
  const lower = clean(text).toLowerCase();
  const message = /\d/.test(lower) ? ordinalsAsDigits(fixMonthTypos(lower)) : lower;
  if (message.length > MAX_LENGTH) {
    return fail(`That message is too long. Please just type the date, ${EXAMPLE}.`);
  }
  const candidates = findCandidates(message);
  if (candidates.length === 0) return fail(noDateReason(message));
  const results = candidates.map((candidate) => resolve(candidate, yearOf(today)));
  const firstError = results.find((result) => !result.ok);
  if (firstError) return firstError;
  const dates = new Set(results.map((result) => (result.ok ? result.value : '')));
  if (dates.size > 1) {
    return fail(`I can see more than one date there. Please send just the one date, ${EXAMPLE}.`);
  }
  return ok([...dates][0] ?? '');
}

/** True when ISO date `a` is strictly before ISO date `b`. */
export function isBefore(a: string, b: string): boolean {
  return a < b;
}

/** Age in whole years on date `on` for someone born on `dateOfBirth` (both YYYY-MM-DD). */
export function ageOn(dateOfBirth: string, on: string): number {
  const born = ISO_DATE.exec(dateOfBirth);
  const day = ISO_DATE.exec(on);
  if (!born || !day) return Number.NaN;
  const years = Number(day[1]) - Number(born[1]);
  const hadBirthday = `${day[2]}-${day[3]}` >= `${born[2]}-${born[3]}`;
  return hadBirthday ? years : years - 1;
}

/** Formats an ISO date (YYYY-MM-DD) as DD-MM-YYYY; anything else is returned unchanged. */
export function formatUkDate(iso: string): string {
  const match = ISO_DATE.exec(iso);
  return match ? `${match[3]}-${match[2]}-${match[1]}` : iso;
}

/** Today's date in UTC as YYYY-MM-DD. */
export function todayIso(now: Date = new Date()): string {
  const date = Number.isNaN(now.getTime()) ? new Date() : now;
  return date.toISOString().slice(0, 10);
}
