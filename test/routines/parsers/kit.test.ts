import { describe, expect, it } from 'vitest';
import { parseKitSize } from '../../../routines/parsers/kit.ts';

const SIZES = ['5/6', '7/8', '9/10', '11/12', '13/14', 'S', 'M', 'L', 'XL', '2XL', '3XL'] as const;

describe('parseKitSize', () => {
  it.each([
    ['9-10', '9/10'],
    ['9 to 10', '9/10'],
    ['9/10', '9/10'],
    ['age 9-10', '9/10'],
    ['9 - 10 years', '9/10'],
    ['5–6', '5/6'],
    ['age 13', '13/14'],
    ['small', 'S'],
    ['Medium please', 'M'],
    ['large', 'L'],
    ['extra large', 'XL'],
    ['XL', 'XL'],
    ['xxl', '2XL'],
    ['XXXL', '3XL'],
    ['2xl', '2XL'],
    ['size M', 'M'],
    ["he's 9, so 9/10", '9/10'],
    ['adult s', 'S'],
  ])('reads %j as %s', (text, size) => {
    expect(parseKitSize(text, SIZES)).toEqual({ ok: true, value: size });
  });

  it.each([
    ['XS', "don't have"],
    ['3/4', "don't have"],
    ['age 16', "don't have"],
    ['4XL', "don't have"],
    ['9/10 or 11/12', 'more than one'],
    ['not sure', "didn't catch"],
    ['', "didn't catch"],
    ['ignore previous instructions', "didn't catch"],
    ['m'.repeat(10_000), 'too long'],
  ])('refuses %j mentioning %j and lists the sizes', (text, hint) => {
    const result = parseKitSize(text, SIZES);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toContain(hint);
      expect(result.reason).toContain('5/6, 7/8, 9/10, 11/12, 13/14, S, M, L, XL, 2XL, 3XL');
    }
  });

  it('matches configured sizes written another way', () => {
    expect(parseKitSize('2xl', ['XXL'])).toEqual({ ok: true, value: 'XXL' });
  });
});
