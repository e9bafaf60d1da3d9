import { describe, expect, it } from 'vitest';
import {
  effectKey,
  identityOf,
  normaliseName,
  registrationIdOf,
  registrationKey,
} from '../../routines/identity.ts';

const jack = {
  season: '2526',
  childFirstName: 'Jack',
  childLastName: "O'Brien",
  childDateOfBirth: '2016-02-03',
};

describe('normaliseName', () => {
  it.each([
    ["O'Brien", 'obrien'],
    ['O’Brien', 'obrien'],
    ['o‘brien', 'obrien'],
    ['Ní Bhriain', 'ni bhriain'],
    ['NÍ  BHRIAIN', 'ni bhriain'],
    ['Smith-Jones', 'smith jones'],
    ['Smith - Jones', 'smith jones'],
    ['Zoë', 'zoe'],
    ['  Jack  ', 'jack'],
  ])('reads %s as %s', (name, expected) => {
    expect(normaliseName(name)).toBe(expected);
  });
});

describe('the registration key', () => {
  it('is the season, the normalised full name and the date of birth', () => {
    expect(registrationKey(jack)).toBe('2526|jack obrien|2016-02-03');
  });

  it.each([
    { childLastName: 'O’Brien' },
    { childLastName: 'OBRIEN' },
    { childFirstName: 'JACK', childLastName: "o'brien" },
  ])('is the same child whatever the spelling: %o', (change) => {
    expect(registrationIdOf({ ...jack, ...change })).toBe(registrationIdOf(jack));
  });

  it.each([{ childDateOfBirth: '2016-02-04' }, { childFirstName: 'Jake' }, { season: '2627' }])(
    'is another registration when %o',
    (change) => {
      expect(registrationIdOf({ ...jack, ...change })).not.toBe(registrationIdOf(jack));
    },
  );

  it('gives an id that carries no personal data and is safe in URLs, keys and job ids', () => {
    const id = registrationIdOf(jack);
    expect(id).toMatch(/^reg-[0-9a-f]{24}$/);
    expect(id.toLowerCase()).not.toContain('jack');
    expect(id).not.toContain('2016');
  });

  it('is known only once the name and date of birth are', () => {
    expect(identityOf('2526', { childFirstName: 'Jack', childLastName: 'Smith' })).toBeNull();
    expect(identityOf('2526', jack)).toEqual({ ...jack, season: '2526' });
  });
});

describe('effect keys', () => {
  const id = registrationIdOf(jack);

  it('are stable for the same inputs and change with an input that matters', () => {
    expect(effectKey(id, 'createPayment', [4500])).toBe(effectKey(id, 'createPayment', [4500]));
    expect(effectKey(id, 'createPayment', [4500])).not.toBe(effectKey(id, 'createPayment', [4000]));
    expect(effectKey(id, 'sendPaymentLink')).toBe(`${id}.sendPaymentLink`);
  });

  it('are valid job ids (no colon)', () => {
    expect(effectKey(id, 'sendPaymentLink', ['07700900123'])).toMatch(/^[A-Za-z0-9.-]+$/);
  });
});
