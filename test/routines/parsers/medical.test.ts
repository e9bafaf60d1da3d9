import { describe, expect, it } from 'vitest';
import { isSeriousCondition, parseMedicalIssues } from '../../../routines/parsers/medical.ts';

const NONE = { hasIssues: false, details: null };

describe('parseMedicalIssues', () => {
  it.each([
    ['no', NONE],
    ['None', NONE],
    ['nothing', NONE],
    ["nope he's fine", NONE],
    ['no medical issues', NONE],
    ['N/A', NONE],
    ['not that I know of', NONE],
    ["He doesn't have any", NONE],
    ['yes asthma', { hasIssues: true, details: 'Asthma' }],
    ['asthma and hay fever', { hasIssues: true, details: 'Asthma, Hay fever' }],
    ['he has asthma, suffers from hay fever', { hasIssues: true, details: 'Asthma, Hay fever' }],
    ["she's got eczema & ADHD", { hasIssues: true, details: 'Eczema, ADHD' }],
    [
      'Yes - diagnosed with epilepsy; asthma; Asthma',
      { hasIssues: true, details: 'Epilepsy, Asthma' },
    ],
    ['no, but he has a nut allergy', { hasIssues: true, details: 'A nut allergy' }],
    ['none apart from mild asthma', { hasIssues: true, details: 'Mild asthma' }],
    [
      'Condition: type 1 diabetes\nuses an insulin pump',
      {
        hasIssues: true,
        details: 'Type 1 diabetes, Uses an insulin pump',
      },
    ],
    ['heart murmur', { hasIssues: true, details: 'Heart murmur' }],
    ['He has ADHD. He also wears glasses.', { hasIssues: true, details: 'ADHD, Wears glasses' }],
  ])('reads %j', (text, expected) => {
    expect(parseMedicalIssues(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['yes', 'What are the medical issues'],
    ['Yeah he has', 'What are the medical issues'],
    ['not sure', "say 'none'"],
    ['', "say 'none'"],
    ['...', 'What are the medical issues'],
    ['x'.repeat(10_000), 'too long'],
  ])('refuses %j mentioning %j', (text, hint) => {
    const result = parseMedicalIssues(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(hint);
  });
});

describe('isSeriousCondition', () => {
  it.each([
    ['Asthma', true],
    ['Uses an inhaler', true],
    ['Anaphylaxis, carries an EpiPen', true],
    ['Severe allergy to eggs', true],
    ['Nut allergy', true],
    ['Type 1 diabetes', true],
    ['Epilepsy', true],
    ['Has seizures', true],
    ['Heart condition', true],
    ['Hay fever', false],
    ['Eczema', false],
    ['Heartburn', false],
    ['Short-sighted', false],
  ])('%j is %s', (details, serious) => {
    expect(isSeriousCondition(details)).toBe(serious);
  });
});
