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

/** Finds a registration code in a message and checks its form; the team is checked elsewhere. */
export function readRegistrationCode(text: string, club: ClubConfig): CodeReading {
  const match = CODE_LIKE.exec(text.normalize('NFKC').replace(/[‘’]/g, "'"));
  if (!match) return { found: false };
  const [raw, prefix = '', team = '', ageGroup = '', season = '', nameTail = ''] = match;
  const names = nameTail.split('-').filter(Boolean);
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
