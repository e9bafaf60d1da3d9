import { describe, expect, it } from 'vitest';
import { LAST_DAY, parsePaymentDay } from '../../../routines/parsers/payment-day.ts';

describe('parsePaymentDay', () => {
  it.each([
    ['15', 15],
    ['15th', 15],
    ['the 1st', 1],
    ['first', 1],
    ['1st of the month', 1],
    ['fifteenth', 15],
    ['28th', 28],
    ['the twenty-eighth please', 28],
    ['on the 5th of each month', 5],
    ['last day', LAST_DAY],
    ['last day of the month', LAST_DAY],
    ['end of the month', LAST_DAY],
    ['the last', LAST_DAY],
  ])('reads %j as %i', (text, day) => {
    expect(parsePaymentDay(text)).toEqual({ ok: true, value: day });
  });

  it.each([
    ['29', 'Direct Debits can only be collected on days 1 to 28'],
    ['30th', 'Direct Debits can only be collected on days 1 to 28'],
    ['thirty-first', 'Direct Debits can only be collected on days 1 to 28'],
    ['0', '1 to 28'],
    ['32', '1 to 28'],
    ['whenever', "didn't catch"],
    ['1st or 15th', 'more than one'],
    ['15.5', 'whole day'],
    ['', "didn't catch"],
    ["'; DROP TABLE mandates; --", "didn't catch"],
    ['1'.repeat(10_000), 'too long'],
  ])('refuses %j mentioning %j', (text, hint) => {
    const result = parsePaymentDay(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(hint);
  });
});
