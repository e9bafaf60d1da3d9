import { describe, expect, it } from 'vitest';
import {
  ageOn,
  formatUkDate,
  isBefore,
  parseDate,
  todayIso,
} from '../../../routines/parsers/dates.ts';

const TODAY = '2026-05-01';

describe('parseDate', () => {
  it.each([
    ['03/02/2016', '2016-02-03'],
    ['3/2/16', '2016-02-03'],
    ['03-02-2016', '2016-02-03'],
    ['3.2.2016', '2016-02-03'],
    ['3 2 2016', '2016-02-03'],
    ['she was born 3rd feb 2016', '2016-02-03'],
    ['3rd of February, 2016', '2016-02-03'],
    ['February 3rd 2016', '2016-02-03'],
    ['feb 3 2016', '2016-02-03'],
    ['Feb 3, 2016.', '2016-02-03'],
    ['2016-02-03', '2016-02-03'],
    ['12/03/85', '1985-03-12'],
    ['1/1/26', '2026-01-01'],
    ['his dob is 29/02/2016 thanks', '2016-02-29'],
    ['born on the 21st of September 2015', '2015-09-21'],
    ['３/２/２０１６', '2016-02-03'],
    ['03/02/2016 (03/02/2016)', '2016-02-03'],
  ])('reads %j as %s', (text, iso) => {
    expect(parseDate(text, TODAY)).toEqual({ ok: true, value: iso });
  });

  it.each([
    ['31/02/2016', 'real date'],
    ['32/01/2016', 'real date'],
    ['29/02/2015', 'real date'],
    ['02/13/2016', 'day/month/year'],
    ['3rd Feb', 'year'],
    ['3/2', 'year'],
    ['February 2016', 'day'],
    ['3/2/2016 or maybe 4/2/2016', 'more than one date'],
    ['no idea', 'day/month/year'],
    ['', 'day/month/year'],
    ["'; DROP TABLE children; --", 'day/month/year'],
    ['1'.repeat(10_000), 'too long'],
  ])('refuses %j mentioning %j', (text, hint) => {
    const result = parseDate(text, TODAY);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(hint);
  });
});

describe('date helpers', () => {
  it.each([
    ['2016-02-03', '2026-02-02', 9],
    ['2016-02-03', '2026-02-03', 10],
    ['2016-02-29', '2025-02-28', 8],
    ['2016-02-29', '2025-03-01', 9],
  ])('ageOn(%s, %s) is %i', (dob, on, age) => {
    expect(ageOn(dob, on)).toBe(age);
  });

  it.each([
    ['2016-02-03', '2016-02-04', true],
    ['2016-02-04', '2016-02-03', false],
    ['2016-02-03', '2016-02-03', false],
  ])('isBefore(%s, %s) is %s', (a, b, expected) => {
    expect(isBefore(a, b)).toBe(expected);
  });

  it('formats an ISO date the UK way', () => {
    expect(formatUkDate('2016-02-03')).toBe('03-02-2016');
  });

  it('gives the UTC date of now', () => {
    expect(todayIso(new Date('2026-05-01T23:30:00Z'))).toBe('2026-05-01');
  });
});
