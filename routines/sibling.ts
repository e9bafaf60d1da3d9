/** What the sibling rule reads of a registration this season. */
export type SiblingCandidate = {
  parentFirstName: string;
  parentLastName: string;
  childFirstName: string;
  childLastName: string;
  /** YYYY-MM-DD. */
  childDateOfBirth: string;
  /** Given up before payment (the caller decides when): it never earns a discount. */
  abandoned: boolean;
};

/** Apostrophes of every kind, dropped so O'Brien, O’Brien and OBrien read the same. */
const APOSTROPHES = /['\u2018\u2019\u201B\u02BC\u0060\u00B4\u2032]/g;

/** Lower case, no accents or apostrophes, hyphens and runs of spaces as one space. */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(APOSTROPHES, '')
    .replace(/[-\u2010-\u2015\s]+/g, ' ')
    .trim()
    .toLocaleLowerCase('en-GB');
}

const parentFullName = (c: SiblingCandidate) =>
  normaliseName(`${c.parentFirstName} ${c.parentLastName}`);

const sameChild = (a: SiblingCandidate, b: SiblingCandidate) =>
  normaliseName(`${a.childFirstName} ${a.childLastName}`) ===
    normaliseName(`${b.childFirstName} ${b.childLastName}`) &&
  a.childDateOfBirth === b.childDateOfBirth;

/**
 * True when `b` is a sibling of `a` for the discount: the same parent full name and the same child
 * surname, but not the same child (name and date of birth), and neither registration abandoned.
 */
export function isSibling(a: SiblingCandidate, b: SiblingCandidate): boolean {
  if (a.abandoned || b.abandoned) return false;
  if (parentFullName(a) === '' || parentFullName(a) !== parentFullName(b)) return false;
  if (normaliseName(a.childLastName) !== normaliseName(b.childLastName)) return false;
  return !sameChild(a, b);
}

/** True when any other registration this season is a sibling of `child`. */
export function hasSibling(child: SiblingCandidate, season: readonly SiblingCandidate[]): boolean {
  return season.some((other) => isSibling(child, other));
}
