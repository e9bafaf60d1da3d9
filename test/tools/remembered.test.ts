import { describe, expect, it } from 'vitest';
import { remembered, rememberedPer } from '../../tools/remembered.ts';

describe('remembered', () => {
  it('works each input out once while it is among the last `size`, then all over again', () => {
    const worked: string[] = [];
    const length = remembered((input) => (worked.push(input), input.length), 2);
    expect([length('a'), length('bb'), length('a'), length('bb')]).toEqual([1, 2, 1, 2]);
    expect(worked).toEqual(['a', 'bb']);
    length('ccc'); // full: everything is forgotten
    length('a');
    expect(worked).toEqual(['a', 'bb', 'ccc', 'a']);
  });

  it('shares one frozen answer, remembers null, and remembers nothing from a throw', () => {
    let calls = 0;
    const parse = remembered((input) => {
      calls += 1;
      if (input === 'bad') throw new Error('unreadable');
      return input === 'none' ? null : { input };
    }, 10);
    const first = parse('x');
    expect(parse('x')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect([parse('none'), parse('none')]).toEqual([null, null]);
    expect(() => parse('bad')).toThrow('unreadable');
    expect(() => parse('bad')).toThrow('unreadable');
    expect(calls).toBe(4);
  });

  it('answers what it was taught without working it out', () => {
    let calls = 0;
    const parse = remembered((input) => ((calls += 1), { input }), 10);
    const known = { input: 'taught' };
    parse.know('taught', known);
    expect(parse('taught')).toBe(known);
    expect(Object.isFrozen(known)).toBe(true);
    expect(calls).toBe(0);
  });
});

describe('rememberedPer', () => {
  it('works each object out once, and an equal but other object again', () => {
    const worked: object[] = [];
    const keys = rememberedPer((input: { a: number }) => (worked.push(input), Object.keys(input)));
    const one = { a: 1 };
    expect(keys(one)).toBe(keys(one));
    keys({ a: 1 });
    expect(worked).toHaveLength(2);
  });
});
