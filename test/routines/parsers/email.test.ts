import { describe, expect, it } from 'vitest';
import { parseEmail } from '../../../routines/parsers/email.ts';

describe('parseEmail', () => {
  it.each([
    ['sarah@example.com', 'sarah@example.com'],
    ['sarah @ example.com', 'sarah@example.com'],
    ['sarah@ example.com', 'sarah@example.com'],
    ['sarah at example dot com', 'sarah@example.com'],
    ['Sarah.Jones@Example.CO.UK.', 'sarah.jones@example.co.uk'],
    ['my email is sarah.jones@gmail.com thanks', 'sarah.jones@gmail.com'],
    ["it's <mike.o'brien@btinternet.com>", "mike.o'brien@btinternet.com"],
    ['mailto:dad+football@hotmail.co.uk', 'dad+football@hotmail.co.uk'],
    ['email: SARAH@EXAMPLE.COM!', 'sarah@example.com'],
    ['(sarah@example.com)', 'sarah@example.com'],
    ['sarah@example.com, sarah@example.com', 'sarah@example.com'],
    ['  ｓａｒａｈ@example.com  ', 'sarah@example.com'],
    ["I'm @ work, it's sarah@example.com", 'sarah@example.com'],
  ])('reads %j as %s', (text, email) => {
    expect(parseEmail(text)).toEqual({ ok: true, value: email });
  });

  it.each([
    ['sarah.example.com', '@'],
    ['sarah@example', 'dot'],
    ['sarah@example .com', 'spaces'],
    ['sarah@example.com or mike@example.com', 'more than one'],
    [`${'a'.repeat(250)}@example.com`, 'too long'],
    ['sarah@@example.com', 'valid'],
    ['sarah..jones@example.com', 'valid'],
    ['', '@'],
    ["' OR 1=1; --", '@'],
    ['x'.repeat(10_000), 'too long'],
  ])('refuses %j mentioning %j', (text, hint) => {
    const result = parseEmail(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(hint);
  });
});
