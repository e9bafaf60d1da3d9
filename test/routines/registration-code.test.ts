import { describe, expect, it } from 'vitest';
import { defaultClub } from '../../routines/club.ts';
import { readRegistrationCode } from '../../routines/registration-code.ts';

describe('readRegistrationCode', () => {
  it.each([
    ['200-Lions-U10-2526', { kind: 'new', team: 'Lions', ageGroup: 'U10', player: null }],
    [
      'hi, my code is 200-Lions-U10-2526',
      { kind: 'new', team: 'Lions', ageGroup: 'U10', player: null },
    ],
    ['200-lions-u10-2526 thanks', { kind: 'new', team: 'lions', ageGroup: 'U10', player: null }],
    [
      'Code: 200-Red_Devils-U9-2526.',
      { kind: 'new', team: 'Red_Devils', ageGroup: 'U9', player: null },
    ],
    [
      '100-Tigers-U13-2526-Jack-Grealish',
      {
        kind: 'returning',
        team: 'Tigers',
        ageGroup: 'U13',
        player: { firstName: 'Jack', lastName: 'Grealish' },
      },
    ],
    [
      '100-tigers-u13-2526-jack-smith-jones',
      {
        kind: 'returning',
        team: 'tigers',
        ageGroup: 'U13',
        player: { firstName: 'jack', lastName: 'smith-jones' },
      },
    ],
  ])('reads %j', (text, expected) => {
    const reading = readRegistrationCode(text, defaultClub);
    expect(reading).toMatchObject({ found: true, ok: true, code: { ...expected, season: '2526' } });
  });

  it.each([
    ['300-Lions-U10-2526', 'unknownPrefix'],
    ['200-Lions-10-2526', 'badAgeGroup'],
    ['200-Lions-X10-2526', 'badAgeGroup'],
    ['200-Lions-U10-2425', 'wrongSeason'],
    ['200-Lions-U10-25', 'wrongSeason'],
    ['100-Tigers-U13-2526', 'nameMissing'],
    ['100-Tigers-U13-2526-Jack', 'nameMissing'],
    ['200-Lions-U10-2526-Leo-Jones', 'nameNotAllowed'],
  ])('explains what is wrong with %j', (text, problem) => {
    expect(readRegistrationCode(text, defaultClub)).toMatchObject({
      found: true,
      ok: false,
      problem,
    });
  });

  it.each(['hello', 'my number is 07700 900123', 'born 03-02-2016', 'I paid £45-50', '2526', ''])(
    'finds no code in %j',
    (text) => {
      expect(readRegistrationCode(text, defaultClub)).toEqual({ found: false });
    },
  );

  it.each([
    ['full-width digits', '２００-Lions-U10-２５２６'],
    ['circled numbers that NFKC makes digits', '２00-Lions-U10-㉕26'],
  ])('reads a code typed with %s as the same code', (_how, text) => {
    expect(readRegistrationCode(text, defaultClub)).toMatchObject({
      found: true,
      ok: true,
      code: { kind: 'new', team: 'Lions', ageGroup: 'U10', season: '2526' },
    });
  });
});
