import { clean } from './text.ts';
import { fail, ok, type Parsed } from './result.ts';

const MAX_LENGTH = 200;

/** One size mention: a youth range ("9/10"), a letter size ("XL"), or a bare age ("9"). */
const SIZE =
  /(?<![\p{L}\p{N}'])(?:(\d{1,2})\s*(?:-|\/|to|\s)\s*(\d{1,2})|(\d)\s*x\s*(l|s)|((?:(?:extra|x)[\s-]*)*)(small|large|sm|lg|s|l)|(medium|med|m)|(\d{1,2}))(?![\p{L}\p{N}'])/giu;

const ONE_SIZE = new RegExp(SIZE.source, 'iu');

/** A size someone mentioned, in canonical form, or a bare age to match against youth sizes. */
type Mention = { size: string } | { age: number };

/** Canonical letter size for a count of X's and a base letter: (2, 'L') → "2XL". */
function lettered(xCount: number, base: 'S' | 'L'): string {
  if (xCount === 0) return base;
  return `${xCount === 1 ? '' : xCount}X${base}`;
}

/** Turns one regex match into a mention. */
function toMention(match: RegExpMatchArray): Mention {
  const [, from, to, multiplier, multiplied, extras, word, medium, age] = match;
  if (from !== undefined && to !== undefined) return { size: `${Number(from)}/${Number(to)}` };
  if (multiplier !== undefined) {
    return { size: lettered(Number(multiplier), multiplied === 's' ? 'S' : 'L') };
  }
  if (word !== undefined) {
    const xCount = (extras ?? '').match(/extra|x/g)?.length ?? 0;
    return { size: lettered(xCount, word.startsWith('s') ? 'S' : 'L') };
  }
  if (medium !== undefined) return { size: 'M' };
  return { age: Number(age) };
}

/** Canonical form of a size, so "XXL", "2XL" and "xxl" compare equal. */
function canonical(size: string): string {
  const match = ONE_SIZE.exec(size.toLowerCase());
  if (match === null) return size.toUpperCase().replace(/\s/g, '');
  const mention = toMention(match);
  return 'size' in mention ? mention.size : String(mention.age);
}

/** Configured youth sizes ("9/10") whose age range includes `age`. */
function sizesForAge(age: number, sizes: readonly string[]): string[] {
  return sizes.filter((size) => {
    const range = /^(\d{1,2})\/(\d{1,2})$/.exec(canonical(size));
    return range !== null && Number(range[1]) <= age && age <= Number(range[2]);
  });
}

/** The configured sizes a mention refers to (empty when it is not one of them). */
function resolve(mention: Mention, sizes: readonly string[]): string[] {
  if ('age' in mention) return sizesForAge(mention.age, sizes);
  return sizes.filter((size) => canonical(size) === mention.size);
}

/** Sentence listing the configured sizes. */
function options(sizes: readonly string[]): string {
  return sizes.length === 0
    ? 'Sorry, no kit sizes are set up yet. Please ask the club.'
    : `Please choose one of these sizes: ${sizes.join(', ')}.`;
}

/** Matches a kit size reply ("age 9-10", "extra large", "xxl") to one of the configured sizes. */
export function parseKitSize(text: string, sizes: readonly string[]): Parsed<string> {
  const message = clean(text).toLowerCase();
  if (message.length > MAX_LENGTH) return fail(`That message is too long. ${options(sizes)}`);
  const mentions = Array.from(message.matchAll(SIZE), toMention);
  if (mentions.length === 0) return fail(`Sorry, I didn't catch the size. ${options(sizes)}`);
  // "size 5" may be a shoe or a label size: children's kit goes by age, so ask rather than guess.
  const bare = /\bsize\s+(\d{1,2})(?!\s*(?:-|\/|to)\s*\d)\b/.exec(message);
  if (bare && mentions.every((mention) => 'age' in mention)) {
    const byAge = sizesForAge(Number(bare[1]), sizes);
    return fail(
      `Children's kit sizes go by age${byAge[0] ? `: did you mean age ${byAge[0]}?` : '.'} ${options(sizes)}`,
    );
  }
  const matched = new Set(mentions.flatMap((mention) => resolve(mention, sizes)));
  if (matched.size > 1) return fail(`I can see more than one size there. ${options(sizes)}`);
  const [size] = matched;
  if (size === undefined) return fail(`Sorry, we don't have that size. ${options(sizes)}`);
  return ok(size);
}
