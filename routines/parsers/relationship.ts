import { clean, words } from './text.ts';
import { fail, ok, type Parsed } from './result.ts';

/** How the club records the registering adult's relationship to the child. */
export type Relationship = 'Mother' | 'Father' | 'Guardian' | 'Other';

const MAX_LENGTH = 300;
const REASON =
  "Sorry, I didn't catch that. Are you the child's mum, dad or guardian, or another relative such as a grandparent, aunt or uncle?";

const PARENT_WORDS = 'mum|mom|mam|mother|mummy|mommy|dad|father|daddy|parent|papa|ma|pa';
const PREFIXED = new RegExp(`\\b(step|grand|god|foster)\\s+(${PARENT_WORDS})\\b`, 'g');

const LOOKUP: Readonly<Record<string, Relationship>> = {
  mum: 'Mother',
  mam: 'Mother',
  mom: 'Mother',
  mummy: 'Mother',
  mommy: 'Mother',
  mammy: 'Mother',
  mother: 'Mother',
  mama: 'Mother',
  dad: 'Father',
  daddy: 'Father',
  father: 'Father',
  papa: 'Father',
  guardian: 'Guardian',
  carer: 'Guardian',
  fostercarer: 'Guardian',
  fostermum: 'Guardian',
  fostermom: 'Guardian',
  fostermother: 'Guardian',
  fosterdad: 'Guardian',
  fosterfather: 'Guardian',
  fosterparent: 'Guardian',
  foster: 'Guardian',
};

const OTHER = new Set([
  'grandma',
  'gran',
  'granny',
  'grandmother',
  'grandmum',
  'grandmom',
  'nan',
  'nana',
  'nanna',
  'nanny',
  'grandad',
  'granddad',
  'grandpa',
  'grandfather',
  'grandparent',
  'grandpapa',
  'gramps',
  'aunt',
  'auntie',
  'aunty',
  'uncle',
  'brother',
  'sister',
  'cousin',
  'stepdad',
  'stepfather',
  'stepmum',
  'stepmom',
  'stepmother',
  'stepparent',
  'godmother',
  'godfather',
  'godparent',
  'friend',
  'neighbour',
  'childminder',
  'partner',
  'boyfriend',
  'girlfriend',
]);

/** Glues prefixes onto the word they qualify: "step-dad" and "step dad" both become "stepdad". */
function joinPrefixes(text: string): string {
  return text.toLowerCase().replace(/-/g, ' ').replace(PREFIXED, '$1$2');
}

/** The relationship a single word names, if any. */
function classify(word: string): Relationship | undefined {
  if (OTHER.has(word)) return 'Other';
  return word.startsWith('guardian') ? 'Guardian' : LOOKUP[word];
}

/** Picks one relationship; a parent or relative who is also a guardian counts as the more specific one. */
function choose(found: ReadonlySet<Relationship>): Relationship | undefined {
  if (found.size === 1) return [...found][0];
  if (found.size !== 2 || !found.has('Guardian')) return undefined;
  if (found.has('Other')) return 'Guardian';
  return [...found].find((relationship) => relationship !== 'Guardian');
}

/** Reads how the adult is related to the child ("I'm his mum", "step-dad", "legal guardian"). */
export function parseRelationship(text: string): Parsed<Relationship> {
  const message = clean(text);
  if (message.length > MAX_LENGTH) return fail(`That message is too long. ${REASON}`);
  const found = new Set<Relationship>();
  for (const word of words(joinPrefixes(message))) {
    const relationship = classify(word);
    if (relationship !== undefined) found.add(relationship);
  }
  const relationship = choose(found);
  return relationship === undefined ? fail(REASON) : ok(relationship);
}
