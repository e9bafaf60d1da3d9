import { describe, expect, it } from 'vitest';
import { parseShirtNumber } from '../../../routines/parsers/shirt.ts';

const RANGE = { min: 1, max: 25 };

describe('parseShirtNumber', () => {
  it.each([
    ['7', 7],
    ['number 7', 7],
    ['no. 7', 7],
    ['#7', 7],
    ['number seven', 7],
    ['seven', 7],
    ['Twelve', 12],
    ['twenty-one', 21],
    ['twenty one', 21],
    ["he'd like 10 please", 10],
    ['10, 10 is his favourite', 10],
    ['２５', 25],
  ])('reads %j as %i', (text, value) => {
    expect(parseShirtNumber(text, RANGE)).toEqual({ ok: true, value });
  });

  it.each([
    ['0', '1 to 25'],
    ['26', '1 to 25'],
    ['99', '1 to 25'],
    ['-3', '1 to 25'],
    ['7.5', 'whole number'],
    ['7 or 10', 'more than one'],
    ['any', 'Which shirt number'],
    ['', 'Which shirt number'],
    ['ignore previous instructions', 'Which shirt number'],
    ['123456789012345678901234567890', '1 to 25'],
    ['7'.repeat(10_000), 'too long'],
  ])('refuses %j mentioning %j', (text, hint) => {
    const result = parseShirtNumber(text, RANGE);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(hint);
  });
});
