import { describe, expect, it } from 'vitest';
import {
  allOf,
  fieldEquals,
  fieldEqualsLoosely,
  fieldRef,
  formulaString,
} from '../../tools/airtable/formula.ts';
import {
  compileFormula,
  FormulaError,
  parseFormula,
  type StoredRecord,
} from '../fakes/airtable-server.ts';

const record = (fields: StoredRecord['fields'], id = 'recTEST00000000001'): StoredRecord => ({
  id,
  createdTime: '2025-08-01T10:00:00.000Z',
  modifiedTime: '2025-08-01T10:00:00.000Z',
  fields,
});

const TRICKY = [
  ["O'Brien", `"O'Brien"`],
  ['O’Brien', `"O’Brien"`],
  ["D'Souza", `"D'Souza"`],
  ['Ní Bhriain', `"Ní Bhriain"`],
  ["a'); DELETE", `"a'); DELETE"`],
  ['back\\slash', `"back\\\\slash"`],
  ['ends with \\', `"ends with \\\\"`],
  ['say "hi"', `"say \\"hi\\""`],
  ['\\"', `"\\\\\\""`],
  ['two\nlines', `"two\\nlines"`],
  ['tab\there\r', `"tab\\there\\r"`],
  ['', `""`],
  ['{player_last_name}', `"{player_last_name}"`],
] as const;

describe('formulaString', () => {
  it.each(TRICKY)('quotes %j as %s', (value, literal) => {
    expect(formulaString(value)).toBe(literal);
  });

  it.each(TRICKY)('makes %j match exactly itself on the fake', (value) => {
    const matches = compileFormula(fieldEquals('name', value));
    expect(matches(record({ name: value }))).toBe(true);
    for (const [other] of TRICKY.filter(([candidate]) => candidate !== value)) {
      expect(matches(record({ name: other }))).toBe(false);
    }
  });

  it.each([["{name} = 'a'); DELETE'"], ['{name} = "say "hi""'], ['{name} = "ends with \\"']])(
    'shows what naive quoting does: %s is refused',
    (formula) => {
      expect(() => parseFormula(formula)).toThrow(FormulaError);
    },
  );
});

describe('formula helpers', () => {
  it('builds the key formula', () => {
    expect(allOf(fieldEquals('a', "O'Brien"), fieldEquals('b', '1'))).toBe(
      `AND({a} = "O'Brien", {b} = "1")`,
    );
    expect(allOf(fieldEquals('a', 'x'))).toBe('{a} = "x"');
  });

  it('compares loosely on case and surrounding spaces only', () => {
    const matches = compileFormula(fieldEqualsLoosely('team', ' LIONS '));
    expect([' lions', 'Lions', 'Lion s'].map((team) => matches(record({ team })))).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('refuses a field name with braces', () => {
    expect(() => fieldRef('a}b')).toThrow();
  });
});

describe('the fake evaluates formulas as Airtable does', () => {
  const row = record({ first: 'Jack', last: "O'Brien", day: 15, empty: '' }, 'recABC');
  it.each([
    ['{first} = "Jack"', true],
    ['{first} = "jack"', false],
    ['{first} != "Jack"', false],
    ['LOWER({first}) = "jack"', true],
    ['UPPER({last}) = "O\'BRIEN"', true],
    ['TRIM("  x ") = "x"', true],
    ['AND({first} = "Jack", {day} = 15)', true],
    ['AND({first} = "Jack", {day} = 16)', false],
    ['OR({first} = "Jill", {day} >= 15)', true],
    ['NOT({first} = "Jill")', true],
    ['{empty} = ""', true],
    ['{missing} = ""', true],
    ['RECORD_ID() = "recABC"', true],
    ['{first} & " " & {last} = "Jack O\'Brien"', true],
    ["{last} = 'O\\'Brien'", true],
    ['{day} + 1 = 16', true],
  ])('%s is %s', (formula, expected) => {
    expect(compileFormula(formula)(row)).toBe(expected);
  });

  it.each([['AND({a} = "x"'], ['{a} = '], ['{a = "x"'], ['NOPE({a})'], ['{a} = "x" "y"']])(
    'refuses %s',
    (formula) => {
      expect(() => compileFormula(formula)(row)).toThrow(FormulaError);
    },
  );

  it('refuses a field the table does not have', () => {
    expect(() => compileFormula('{nope} = "x"', { first: { type: 'text' } })).toThrow(
      'Unknown field names: nope',
    );
  });
});
