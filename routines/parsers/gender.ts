import { clean, hasPhrase, words } from './text.ts';
import { fail, ok, type Parsed } from './result.ts';

/** How the club records a child's gender. */
export type Gender = 'Male' | 'Female' | 'Not Disclosed';

const MAX_LENGTH = 300;
const REASON =
  "Sorry, I didn't catch that. Is your child a boy or a girl? You can also say 'prefer not to say'.";

const NOT_DISCLOSED = [
  'prefer not to say',
  'prefer not to',
  'rather not say',
  'rather not',
  "i'd rather not",
  'not disclosed',
  "don't want to say",
  'do not want to say',
  'not saying',
  'non binary',
  'nonbinary',
  'enby',
  'other',
  'neither',
];
const MALE = new Set(['boy', 'boys', 'male', 'm', 'son', 'lad', 'he', "he's", 'him', 'his']);
const FEMALE = new Set(['girl', 'girls', 'female', 'f', 'daughter', 'lass', 'she', "she's", 'her']);

/** Reads a child's gender from a reply ("he's a boy", "girl", "prefer not to say"). */
export function parseGender(text: string): Parsed<Gender> {
  const message = clean(text);
  if (message.length > MAX_LENGTH) return fail(`That message is too long. ${REASON}`);
  const list = words(message.replace(/-/g, ' '));
  if (NOT_DISCLOSED.some((phrase) => hasPhrase(list, phrase))) return ok('Not Disclosed');
  const male = list.some((word) => MALE.has(word));
  const female = list.some((word) => FEMALE.has(word));
  if (male === female) return fail(REASON);
  return ok(male ? 'Male' : 'Female');
}
