import { describe, expect, it } from 'vitest';
import {
  formatChoices,
  parseAddressChoice,
  parseHouseRetry,
  parsePostcodeRetry,
} from '../../routines/address-choice.ts';
import type { Address } from '../../routines/draft.ts';

const flat = (label: string): Address => ({
  houseNumber: label,
  line1: `${label} Princess Road`,
  town: 'Urmston',
  city: 'Manchester',
  postcode: 'M41 9NJ',
});

const CHOICES = [flat('Flat 1, 12'), flat('Flat 2, 12'), flat('Flat 12, Kingsley Hall')];
const read = <T>(parsed: { ok: true; value: T } | { ok: false; reason: string }) =>
  parsed.ok ? parsed.value : 'unclear';

describe('picking an address from the list', () => {
  it.each([
    ['2', 2],
    ['no. 3', 3],
    ['#1', 1],
    ['the second one', 2],
    ["it's the 2nd", 2],
    ['the last one', 3],
    ['flat 2', 2],
    ['Kingsley Hall', 3],
    ['none of these', 0],
    ['neither, I will type it', 0],
    ['no', 0],
    ['4', 'unclear'],
    ['flat', 'unclear'],
    ['', 'unclear'],
  ])('reads %j as %j', (says, choice) => {
    expect(read(parseAddressChoice(says, CHOICES))).toBe(choice);
  });

  it('shows nine addresses at most and says how to find the others', () => {
    const many = Array.from({ length: 12 }, (_, index) => flat(`Flat ${index + 1}, 12`));
    const shown = formatChoices(many).split('\n');
    expect(shown).toHaveLength(10);
    expect(shown[0]).toBe('1. Flat 1, 12 Princess Road, Urmston, Manchester, M41 9NJ');
    expect(shown[9]).toBe('…and 3 more: tell me your flat number or name.');
    expect(read(parseAddressChoice('flat 11', many))).toBe(11);
  });
});

describe('answering "is the number right?"', () => {
  it.each([
    ['14', '14'],
    ["sorry, it's 14a", '14a'],
    ['no, Flat 2, 12', 'Flat 2, 12'],
    ['yes', null],
    ["that's right", null],
    ['the number is correct', null],
    ['type it', null],
    ['', 'unclear'],
  ])('reads %j as %j', (says, house) => {
    expect(read(parseHouseRetry(says))).toBe(house);
  });
});

describe('answering "is the postcode right?"', () => {
  it.each([
    ['m41 0aa', 'M41 0AA'],
    ['oops it should be M32 8JL', 'M32 8JL'],
    ['yes it is', null],
    ["I'll type it", null],
    ['Urmston', 'unclear'],
  ])('reads %j as %j', (says, postcode) => {
    expect(read(parsePostcodeRetry(says))).toBe(postcode);
  });
});
