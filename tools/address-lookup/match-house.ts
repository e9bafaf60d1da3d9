import type { Premise } from './port.ts';

/** The house as the parent gave it, split into what can be compared with a delivery address. */
export type HouseQuery = {
  /** Building number, lower case with its letter: "12", "12a". */
  number: string | null;
  /** Flat or unit identifier: "2" for "Flat 2". */
  sub: string | null;
  /** Words that may name the building: "rose cottage". */
  name: string | null;
};

const SUB_WORDS = 'flat|apartment|apt|unit|room|suite|studio|maisonette';
const SUB = new RegExp(`\\b(?:${SUB_WORDS}) (\\d+[a-z]?|[a-z])\\b`);
const NUMBER = /^\d+[a-z]?$/;
const NOISE = new Set(['the', 'no', 'number', 'nr', 'num']);

/** Lower case, apostrophes and dots dropped, everything else that is not a letter or digit a space. */
const words = (text: string) =>
  text
    .toLowerCase()
    .replace(/['’`.]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((word) => word !== '');

/** "12 a" → ["12a"]: a lone letter after a number belongs to it. */
function joinLetters(tokens: string[]): string[] {
  const joined: string[] = [];
  for (const token of tokens) {
    const last = joined.at(-1);
    if (last !== undefined && /^\d+$/.test(last) && /^[a-z]$/.test(token)) {
      joined[joined.length - 1] = last + token;
    } else joined.push(token);
  }
  return joined;
}

/** Reads "12", "12a", "Flat 2, 12", "2/12", "Rose Cottage" or "no 7" into its parts. */
export function parseHouse(house: string): HouseQuery {
  let sub: string | null = null;
  const rest: string[] = [];
  // a flat is looked for within one comma-separated part: "Ground floor flat, 16" is not flat 16
  for (const part of house.split(/[,;/]/)) {
    const text = joinLetters(words(part)).join(' ');
    const found: RegExpExecArray | null = sub === null ? SUB.exec(text) : null;
    sub = found?.[1] ?? sub;
    rest.push(found ? text.replace(found[0], ' ') : text);
  }
  const tokens = rest
    .join(' ')
    .split(' ')
    .filter((word) => word !== '');
  const numbers = tokens.filter((token) => NUMBER.test(token));
  const nameWords = tokens.filter((token) => !NUMBER.test(token) && !NOISE.has(token));
  if (sub === null && numbers.length >= 2) sub = numbers[0] ?? null;
  return {
    number: numbers.at(sub !== null && numbers.length >= 2 ? -1 : 0) ?? null,
    sub,
    name: nameWords.length > 0 ? nameWords.join(' ') : null,
  };
}

const compact = (text: string) => words(text).join('');

/** The numbers a premise answers to: its building number, or a name such as "12A". */
function premiseNumbers(premise: Premise): string[] {
  const name = compact(premise.buildingName);
  return [compact(premise.buildingNumber), NUMBER.test(name) ? name : ''].filter(Boolean);
}

/**
 * "Flat 2" → "2"; a sub-building with no number ("Ground Floor Flat") → its words. PAF sometimes
 * keeps the flat in the building name ("Flat 2" + number 12), so that is read too.
 */
function subId(premise: Premise): string {
  const text = joinLetters(words(premise.subBuilding)).join(' ');
  const inName = SUB.exec(joinLetters(words(premise.buildingName)).join(' '))?.[1];
  if (text === '' && inName !== undefined) return inName;
  return SUB.exec(text)?.[1] ?? (NUMBER.test(text) ? text : compact(text));
}

/** Whether a name on the address and the parent's words name the same thing, either way round. */
function sameName(onAddress: string, name: string): boolean {
  const have = words(onAddress).filter((word) => !NOISE.has(word));
  const want = name.split(' ');
  if (have.length === 0) return false;
  return want.every((word) => have.includes(word)) || have.every((word) => want.includes(word));
}

const namedBy = (premise: Premise, name: string) =>
  sameName(premise.buildingName, name) || sameName(premise.subBuilding, name);

/**
 * Keeps the candidates whose building number, building name or flat match the house the parent
 * gave. A bare number keeps every flat of that building, so that the parent can pick one.
 */
export function matchHouse<T extends { premise: Premise }>(house: string, candidates: T[]): T[] {
  const { number, sub, name } = parseHouse(house);
  const subMatches = (candidate: T) => sub === null || subId(candidate.premise) === sub;
  if (number !== null) {
    const byNumber = candidates.filter(
      (candidate) => premiseNumbers(candidate.premise).includes(number) && subMatches(candidate),
    );
    if (name === null) return byNumber;
    const narrowed = byNumber.filter((candidate) => namedBy(candidate.premise, name));
    if (narrowed.length > 0) return narrowed;
    // "12 Kingsley Hall": flat 12 of a named building, rather than number 12 of the street
    const flats =
      sub === null
        ? candidates.filter(
            (candidate) =>
              subId(candidate.premise) === number && sameName(candidate.premise.buildingName, name),
          )
        : [];
    return flats.length > 0 ? flats : byNumber;
  }
  if (name !== null) {
    return candidates.filter(
      (candidate) => namedBy(candidate.premise, name) && subMatches(candidate),
    );
  }
  if (sub !== null) return candidates.filter((candidate) => subId(candidate.premise) === sub);
  return [];
}
