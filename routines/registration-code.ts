import type { ClubConfig } from './club.ts';

/** A registration code as the team manager hands it out, e.g. 200-Lions-U10-2526. */
export type RegistrationCode = {
  kind: 'new' | 'returning';
  /** Team as written in the code, e.g. "Lions" or "Red_Devils". */
  team: string;
  /** Upper-case age group, e.g. "U10". */
  ageGroup: string;
  season: string;
  /** For returning players (100 codes) only. */
  player: { firstName: string; lastName: string } | null;
  raw: string;
};

export type CodeProblem =
  'unknownPrefix' | 'badAgeGroup' | 'wrongSeason' | 'nameMissing' | 'nameNotAllowed';

export type CodeReading =
  | { found: false }
  | { found: true; ok: true; code: RegistrationCode }
  | { found: true; ok: false; problem: CodeProblem; raw: string };

/** Anything shaped like PREFIX-TEAM-AGEGROUP-SEASON[-NAME...], found anywhere in a message. */
const CODE_LIKE =
  /(?<![\w-])(\d{3})-([A-Za-z0-9_]+)-([A-Za-z]{0,3}\d{0,3})-(\d{2,4})((?:-[\p{L}']+)*)(?![\w-])/u;

/**
 * A code typed loosely: spaces, dots or nothing for the dashes ("200 lions u10 2526",
 * "200-Lions U10 2526"). Only 100 or 200, an age group U1-U99 and a four-digit season count, so
 * that a phone number or a date is never read as one.
 */
const LOOSE_CODE =
  /(?<![\w-])(100|200)[\s._/-]*([A-Za-z][A-Za-z_]*)[\s._/-]*(u\d{1,2})[\s._/-]*(\d{4})(?!\d)((?:[\s._/-]+[\p{L}']+){0,3})/iu;

/** The match of a strict code, else of a loose one, with its name part split into words. */
function findCode(text: string) {
  const strict = CODE_LIKE.exec(text);
  if (strict) {
    const [raw, prefix = '', team = '', ageGroup = '', season = '', tail = ''] = strict;
    return { raw, prefix, team, ageGroup, season, names: tail.split('-').filter(Boolean) };
  }
  const loose = LOOSE_CODE.exec(text);
  if (!loose) return null;
  const [, prefix = '', typedTeam = '', ageGroup = '', season = '', tail = ''] = loose;
  const team = typedTeam.replace(/_+$/, '');
  // A new player's code has no name: words after it are the rest of the message.
  const names = prefix === '100' ? tail.split(/[\s._/-]+/).filter(Boolean) : [];
  const raw = prefix === '100' ? loose[0] : loose[0].slice(0, loose[0].length - tail.length);
  return { raw, prefix, team, ageGroup, season, names };
}

/**
 * Whether a message may hold a code: every code has three digits in a row, and plain ASCII is the
 * same after NFKC (other text may gain digits from it, "２００" or "㉑0", so it is read in full).
 */
const MAY_HOLD_CODE = /\d{3}|[^\p{ASCII}]/u;

/** Finds a registration code in a message and checks its form; the team is checked elsewhere. */
export function readRegistrationCode(text: string, club: ClubConfig): CodeReading {
  if (!MAY_HOLD_CODE.test(text)) return { found: false };
  const match = findCode(text.normalize('NFKC').replace(/[‘’]/g, "'"));
  if (!match) return { found: false };
  const { raw, prefix, team, ageGroup, season, names } = match;
  const problem = (kind: CodeProblem): CodeReading => ({
    found: true,
    ok: false,
    problem: kind,
    raw,
  });

  if (prefix !== '100' && prefix !== '200') return problem('unknownPrefix');
  if (!/^U\d{1,2}$/i.test(ageGroup)) return problem('badAgeGroup');
  if (season !== club.season.code) return problem('wrongSeason');
  if (prefix === '100' && names.length < 2) return problem('nameMissing');
  if (prefix === '200' && names.length > 0) return problem('nameNotAllowed');

  const [firstName = '', ...lastNames] = names;
  return {
    found: true,
    ok: true,
    code: {
      kind: prefix === '100' ? 'returning' : 'new',
      team,
      ageGroup: ageGroup.toUpperCase(),
      season,
      player: prefix === '100' ? { firstName, lastName: lastNames.join('-') } : null,
      raw,
    },
  };
}
