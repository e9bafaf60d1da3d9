import { clean, squash } from './text.ts';
import { fail, ok, type Parsed } from './result.ts';

const MAX_NAME_LENGTH = 100;
const MAX_WORDS = 6;
const EXAMPLE = 'e.g. Sarah Jones';

const GREETING = /^(?:hi|hello|hey|hiya|morning|afternoon|evening)(?:\s+there)?[\s,!.]+/iu;
const LEAD_IN =
  /^(?:(?:my|his|her|their|the)\s+(?:full\s+)?name\s*(?:is|'s|:)|name\s*(?:is|'s|:)|i\s+am|i'm|im|it's|its|it\s+is|this\s+is|call\s+me|(?:he|she|they)(?:'s|\s+is|'re|\s+are)\s+called|(?:he|she|they)(?:'s|\s+is|'re|\s+are))(?:\s*[:,-]\s*|\s+|(?<=:)\s*)/iu;
/** "my son is called", "my daughter's name is": a child introduced before the name. */
const CHILD_LEAD_IN =
  /^(?:(?:my|our)\s+)?(?:son|daughter|boy|girl|lad|child|kid|little one|eldest|youngest)(?:'s\s+(?:full\s+)?name\s+is|\s+is\s+called|'s\s+called|\s+is)\s+/iu;
/** Titles before a name: kept off the name itself. */
const TITLE = /^(?:mr|mrs|ms|miss|mx|dr|prof|rev|master)\.?\s+/iu;
/** Emoji, hearts and other pictures around a name. */
const PICTURES = /\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}]|\u200D|\uFE0F/gu;
const COURTESY = /[\s,-]+(?:thanks|thank\s+you|thx|cheers|please|pls|x{1,3})$/iu;
const TRAILING_PUNCTUATION = /[\s.,;:!?]+$/u;
const ALLOWED = /^[\p{L}\p{M}' -]+$/u;
const NOT_NAME_WORDS = new Set(
  (
    'and but the is are was my your our his their of for with from please thanks hello ' +
    'ignore previous instructions what why it this that not yes name'
  ).split(' '),
);

/** Removes greetings, lead-ins like "my name is", sign-offs and trailing punctuation. */
function stripChatter(text: string): string {
  let name = squash(text.replace(PICTURES, ' ')).replace(GREETING, '');
  name = name.replace(LEAD_IN, '').replace(CHILD_LEAD_IN, '').replace(TITLE, '');
  name = name.replace(TRAILING_PUNCTUATION, '');
  name = name.replace(COURTESY, '');
  return name.replace(TRAILING_PUNCTUATION, '').replace(/^['\s-]+/u, '');
}

/** Upper-cases the first letter of a name segment and lower-cases the rest ("mcdonald" → "McDonald"). */
function capitalise(segment: string): string {
  const [first = '', ...rest] = Array.from(segment.toLowerCase());
  const word = first.toUpperCase() + rest.join('');
  return /^Mc\p{L}/u.test(word) ? `Mc${word.charAt(2).toUpperCase()}${word.slice(3)}` : word;
}

/** Title-cases each word, respecting apostrophes and hyphens ("o'brien" → "O'Brien"). */
function titleCase(name: string): string {
  return name
    .split(' ')
    .map((word) =>
      word
        .split(/(['-])/)
        .map((part) => (part === "'" || part === '-' ? part : capitalise(part)))
        .join(''),
    )
    .join(' ');
}

/** True when the whole name is typed in one case (all lower or all upper). */
function isSingleCase(name: string): boolean {
  return name === name.toLowerCase() || name === name.toUpperCase();
}

/** True for a lone cased letter such as "J" (scripts without case have one-letter names). */
function isInitial(word: string): boolean {
  return letterCount(word) < 2 && /[\p{Lu}\p{Ll}\p{Lt}]/u.test(word);
}

/** Number of letters (ignoring marks and punctuation) in a word. */
function letterCount(word: string): number {
  return (word.match(/\p{L}/gu) ?? []).length;
}

/** Why a stripped name is unacceptable, or undefined when it is fine. */
function problem(name: string): string | undefined {
  if (name === '') return `Please type the full name, first name and last name, ${EXAMPLE}.`;
  if (name.length > MAX_NAME_LENGTH) {
    return 'That name is too long. Please type just the first name and last name.';
  }
  if (/\p{N}/u.test(name))
    return `Names can't contain numbers. Please type the full name, ${EXAMPLE}.`;
  if (!ALLOWED.test(name)) {
    return `Names can only use letters, spaces, hyphens and apostrophes. Please type the full name, ${EXAMPLE}.`;
  }
  return undefined;
}

/** Why the words of a name are unacceptable, or undefined when they are fine. */
function wordProblem(parts: readonly string[]): string | undefined {
  if (parts.some((word) => letterCount(word) === 0)) {
    return `Please type the full name using letters, ${EXAMPLE}.`;
  }
  if (parts.some((word) => NOT_NAME_WORDS.has(word.toLowerCase()))) {
    return `That doesn't look like a name. Please type just the first and last name, ${EXAMPLE}.`;
  }
  if (parts.length < 2) return `Please give both a first name and a last name, ${EXAMPLE}.`;
  if (parts.length > MAX_WORDS) {
    return `That looks like more than a name. Please type just the first and last name, ${EXAMPLE}.`;
  }
  const last = parts.slice(1);
  if (isInitial(parts[0] ?? '') || last.every(isInitial)) {
    return `Please write the names in full rather than initials, ${EXAMPLE}.`;
  }
  return undefined;
}

/** Parses a full name ("I'm sarah o'brien") into a first name and the rest as the last name. */
export function parseFullName(text: string): Parsed<{ first: string; last: string }> {
  const raw = clean(text);
  if (raw.length > MAX_NAME_LENGTH * 3) {
    return fail('That message is too long. Please type just the first name and last name.');
  }
  const stripped = squash(stripChatter(raw).replace(/\s*-\s*/g, '-'));
  const error = problem(stripped);
  if (error !== undefined) return fail(error);
  const parts = stripped.split(' ');
  const partsError = wordProblem(parts);
  if (partsError !== undefined) return fail(partsError);
  const name = isSingleCase(stripped) ? titleCase(stripped) : stripped;
  const [first = '', ...rest] = name.split(' ');
  return ok({ first, last: rest.join(' ') });
}
