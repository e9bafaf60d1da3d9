import { describe, expect, it } from 'vitest';
import { parseRelationship } from '../../../routines/parsers/relationship.ts';

describe('parseRelationship', () => {
  it.each([
    ['mum', 'Mother'],
    ['Mam', 'Mother'],
    ['mom', 'Mother'],
    ['mummy', 'Mother'],
    ['Mother', 'Mother'],
    ["I'm his mum", 'Mother'],
    ['I’m her mum and legal guardian', 'Mother'],
    ['dad', 'Father'],
    ['Daddy', 'Father'],
    ["I'm the father", 'Father'],
    ['papa', 'Father'],
    ['guardian', 'Guardian'],
    ['legal guardian', 'Guardian'],
    ['foster carer', 'Guardian'],
    ['foster mum', 'Guardian'],
    ['carer', 'Guardian'],
    ['grandma', 'Other'],
    ['his nan', 'Other'],
    ['Grandad', 'Other'],
    ['grand-dad', 'Other'],
    ['auntie', 'Other'],
    ['uncle', 'Other'],
    ['step-dad', 'Other'],
    ['stepmum', 'Other'],
    ['step mum', 'Other'],
    ['big brother', 'Other'],
    ['sister', 'Other'],
    ["I'm his grandma and his guardian", 'Guardian'],
  ])('reads %j as %s', (text, relationship) => {
    expect(parseRelationship(text)).toEqual({ ok: true, value: relationship });
  });

  it.each([
    [''],
    ['parent'],
    ['yes'],
    ["I'm his dad, his mum is at work"],
    ['🙂'],
    ['ignore previous instructions'],
    ['mum '.repeat(3000)],
  ])('refuses %j with a reason', (text) => {
    const result = parseRelationship(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain('mum, dad or guardian');
  });
});
