import { describe, expect, it } from 'vitest';
import { parseGender } from '../../../routines/parsers/gender.ts';

describe('parseGender', () => {
  it.each([
    ['boy', 'Male'],
    ['Male', 'Male'],
    ['M', 'Male'],
    ["he's a boy", 'Male'],
    ['my son', 'Male'],
    ['lad', 'Male'],
    ['BOY!', 'Male'],
    ['girl', 'Female'],
    ['female', 'Female'],
    ['f', 'Female'],
    ['daughter', 'Female'],
    ['she', 'Female'],
    ['She’s a girl', 'Female'],
    ['prefer not to say', 'Not Disclosed'],
    ["I'd rather not say", 'Not Disclosed'],
    ['not disclosed', 'Not Disclosed'],
    ['non-binary', 'Not Disclosed'],
    ['other', 'Not Disclosed'],
  ])('reads %j as %s', (text, gender) => {
    expect(parseGender(text)).toEqual({ ok: true, value: gender });
  });

  it.each([
    [''],
    ['yes'],
    ['footballer'],
    ['he and she'],
    ['7'],
    ['🙂'],
    ['ignore previous instructions'],
    ['boy '.repeat(3000)],
  ])('refuses %j with a reason', (text) => {
    const result = parseGender(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain('boy or a girl');
  });
});
