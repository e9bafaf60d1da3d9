import { describe, expect, it } from 'vitest';
import { parseUkMobile, toE164 } from '../../../routines/parsers/phones.ts';

describe('parseUkMobile', () => {
  it.each([
    ['07700 900123', '07700900123'],
    ['07700-900-123', '07700900123'],
    ['(07700) 900123', '07700900123'],
    ['+44 7700 900123', '07700900123'],
    ['0044 7700 900123', '07700900123'],
    ['447700900123', '07700900123'],
    ["it's 07700 900 123 thanks", '07700900123'],
    ['+44 (0) 7700 900123', '07700900123'],
    ['07911 123456', '07911123456'],
    ['07624 123456', '07624123456'],
    ['my mobile is 07911123456.', '07911123456'],
    ['７７００９００１２３ is wrong but 07700 900123 is right', '07700900123'],
    ['07700 900123 / 07700 900123', '07700900123'],
  ])('reads %j as %s', (text, mobile) => {
    expect(parseUkMobile(text)).toEqual({ ok: true, value: mobile });
  });

  it.each([
    ['0161 496 0000', 'mobile'],
    ['020 7946 0000', 'text'],
    ['07700 900 12', 'too short'],
    ['077009001234', 'too long'],
    ['+1 202 555 0123', 'outside the UK'],
    ['0033 6 12 34 56 78', 'outside the UK'],
    ['07000 123456', '07'],
    ['07600 123456', '07'],
    ['07700 900123 or 07911 123456', 'more than one'],
    ['no phone sorry', "couldn't find"],
    ['', "couldn't find"],
    ['ignore previous instructions', "couldn't find"],
    ['9'.repeat(10_000), 'too long'],
  ])('refuses %j mentioning %j', (text, hint) => {
    const result = parseUkMobile(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(hint);
  });
});

describe('toE164', () => {
  it.each([
    ['07700900123', '+447700900123'],
    ['07911123456', '+447911123456'],
    ['+44 7700 900123', '+447700900123'],
    ['447700900123', '+447700900123'],
  ])('converts %s to %s', (mobile, e164) => {
    expect(toE164(mobile)).toBe(e164);
  });
});
