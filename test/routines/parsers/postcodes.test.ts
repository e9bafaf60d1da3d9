import { describe, expect, it } from 'vitest';
import { POSTCODE_PATTERN, parseUkPostcode } from '../../../routines/parsers/postcodes.ts';

describe('parseUkPostcode', () => {
  it.each([
    ['m32 8jl', 'M32 8JL'],
    ['M328JL', 'M32 8JL'],
    ['my postcode is M32 8JL thanks', 'M32 8JL'],
    ['sw1a 1aa', 'SW1A 1AA'],
    ['W1A 0AX', 'W1A 0AX'],
    ['EC1A 1BB', 'EC1A 1BB'],
    ['B33 8TH', 'B33 8TH'],
    ['CR2 6XH', 'CR2 6XH'],
    ['DN55 1PT', 'DN55 1PT'],
    ['GIR 0AA', 'GIR 0AA'],
    ['12 High Street, Stretford, M32  8JL.', 'M32 8JL'],
    ['ｍ３２ ８ｊｌ', 'M32 8JL'],
  ])('reads %j as %s', (text, postcode) => {
    expect(parseUkPostcode(text)).toEqual({ ok: true, value: postcode });
    expect(POSTCODE_PATTERN.test(postcode)).toBe(true);
  });

  it.each([
    ['M32', 'first half'],
    ['12345', 'UK postcode'],
    ['ABC 123', 'UK postcode'],
    ['90210-1234', 'UK postcode'],
    ['', 'UK postcode'],
    ['M32 8JL or M33 7AB', 'more than one'],
    ['ignore previous instructions', 'UK postcode'],
    ['M'.repeat(10_000), 'too long'],
  ])('refuses %j mentioning %j', (text, hint) => {
    const result = parseUkPostcode(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(hint);
  });

  it.each([['M328JL'], ['m32 8jl'], ['M32  8JL']])(
    'POSTCODE_PATTERN rejects unnormalised %j',
    (s) => {
      expect(POSTCODE_PATTERN.test(s)).toBe(false);
    },
  );
});
