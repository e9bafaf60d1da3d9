import { clean, words } from './text.ts';
import { fail, ok, type Parsed } from './result.ts';

const MAX_LENGTH = 500;
const REASON = "Sorry, I didn't catch that. Please answer yes or no.";

const YES = [
  'yes',
  'y',
  'yeah',
  'yea',
  'yeh',
  'ye',
  'yh',
  'yep',
  'yup',
  'ya',
  'aye',
  'sure',
  'ok',
  'okay',
  'of course',
  'correct',
  "that's right",
  'thats right',
  "that's correct",
  'thats correct',
  'all good',
  'definitely',
  'absolutely',
  'certainly',
  'please do',
  'yes please',
  'go ahead',
  'i do',
  'we do',
  'he does',
  'she does',
  'they do',
  'i think so',
  'go on',
  'go on then',
  'fine',
  "that's fine",
  'thats fine',
  'fine by me',
  'sounds good',
  'deffo',
  'defo',
  'def',
  'course',
  'for sure',
  'happy to',
  'why not',
  'yes ta',
  'please',
  'yass',
  'yas',
  'yeah go on',
];
const NO = [
  'no',
  'n',
  'nah',
  'nope',
  'naw',
  'nay',
  'not really',
  'no thanks',
  'no thank you',
  'negative',
  'never',
  'none',
  'not at all',
  'incorrect',
  "that's wrong",
  'thats wrong',
  'i do not',
  "i don't",
  'we do not',
  "we don't",
  "he doesn't",
  "she doesn't",
  "they don't",
  "i don't think so",
  'not ok',
  'not okay',
  'not correct',
  'not right',
  'rather not',
  "i'd rather not",
  'id rather not',
  'no ta',
  'not for me',
  'no need',
  'nah ta',
  'not interested',
];
const UNSURE = [
  'maybe',
  'perhaps',
  'possibly',
  'probably',
  'not sure',
  'unsure',
  "don't know",
  'dont know',
  'do not know',
  'dunno',
  'idk',
  'no idea',
  'not certain',
];
const NEUTRAL = ['no problem', 'no probs', 'no worries', 'no bother'];
const ANYWHERE_MAX_WORDS = 5;
const FILLERS = new Set(['erm', 'um', 'umm', 'er', 'hmm', 'oh', 'ah', 'well', 'hi', 'hello', 'so']);
const STRONG_YES = new Set(['yes', 'yeah', 'yea', 'yep', 'yup', 'aye', 'yeh']);
const STRONG_NO = new Set(['no', 'nope', 'nah', 'naw']);
const YES_EMOJI = /\u{1F44D}|\u2705|\u2714|\u{1F44C}/u;
const NO_EMOJI = /\u{1F44E}|\u274C|\u2716|\u{1F6AB}/u;

/** Collapses repeated letters so "yesss" and "nooo" match "yes" and "no". */
function squeeze(word: string): string {
  return word.replace(/(\p{L})\1+/gu, '$1');
}

/** Splits a phrase into squeezed words. */
function squeezePhrase(phrase: string): string[] {
  return phrase.split(' ').map(squeeze);
}

const YES_PHRASES = YES.map(squeezePhrase);
const NO_PHRASES = NO.map(squeezePhrase);
const UNSURE_PHRASES = UNSURE.map(squeezePhrase);
const NEUTRAL_PHRASES = NEUTRAL.map(squeezePhrase);

/** Length of the longest phrase from `phrases` that the word list starts with (0 if none). */
function leadingMatch(list: readonly string[], phrases: readonly (readonly string[])[]): number {
  let best = 0;
  for (const phrase of phrases) {
    const matches = phrase.every((word, i) => list[i] === word);
    if (matches && phrase.length > best) best = phrase.length;
  }
  return best;
}

/** True when any phrase from `phrases` appears as whole words anywhere in the list. */
function containsAny(list: readonly string[], phrases: readonly (readonly string[])[]): boolean {
  return phrases.some((phrase) =>
    list.some((_, start) => phrase.every((word, i) => list[start + i] === word)),
  );
}

/** Removes neutral phrases like "no problem" that are not an answer in themselves. */
function withoutNeutral(list: readonly string[]): string[] {
  const out = [...list];
  for (const phrase of NEUTRAL_PHRASES) {
    for (let i = 0; i + phrase.length <= out.length; i += 1) {
      if (phrase.every((word, j) => out[i + j] === word)) out.splice(i, phrase.length);
    }
  }
  return out;
}

/** The answer given at the start of the reply, if any, or 'conflict' if the rest contradicts it. */
function leadingAnswer(list: readonly string[]): boolean | 'conflict' | undefined {
  const yes = leadingMatch(list, YES_PHRASES);
  const no = leadingMatch(list, NO_PHRASES);
  if (yes === 0 && no === 0) return undefined;
  const answer = yes > no;
  const rest = list.slice(Math.max(yes, no));
  if (answer && rest[0] === 'not') return false;
  const opposite = answer ? STRONG_NO : STRONG_YES;
  return rest.some((word) => opposite.has(word)) ? 'conflict' : answer;
}

/** The answer from yes/no words anywhere in a short reply, when they all agree. */
function anywhereAnswer(list: readonly string[]): boolean | undefined {
  if (list.length > ANYWHERE_MAX_WORDS) return undefined;
  const yes = containsAny(list, YES_PHRASES);
  const no = containsAny(list, NO_PHRASES);
  return yes === no ? undefined : yes;
}

/** Reads a yes or no answer from a chat reply ("yeah go on", "nah he's fine", "👍"). */
export function parseYesNo(text: string): Parsed<boolean> {
  const message = clean(text);
  if (message.length > MAX_LENGTH) return fail(`That message is too long. ${REASON}`);
  const yesEmoji = YES_EMOJI.test(message);
  const noEmoji = NO_EMOJI.test(message);
  const list = withoutNeutral(words(message).map(squeeze));
  const start = list.findIndex((word) => !FILLERS.has(word));
  const answerWords = start < 0 ? [] : list.slice(start);
  if (containsAny(answerWords, UNSURE_PHRASES)) return fail(REASON);
  const answer = leadingAnswer(answerWords) ?? anywhereAnswer(answerWords);
  if (answer === 'conflict' || (yesEmoji && noEmoji)) return fail(REASON);
  if (answer === undefined) return yesEmoji || noEmoji ? ok(yesEmoji) : fail(REASON);
  if ((answer && noEmoji) || (!answer && yesEmoji)) return fail(REASON);
  return ok(answer);
}
