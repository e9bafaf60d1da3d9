import { describe, expect, it } from 'vitest';
import { hasSibling, isSibling, type SiblingCandidate } from '../../routines/sibling.ts';

const aChild = (overrides: Partial<SiblingCandidate> = {}): SiblingCandidate => ({
  parentFirstName: 'Siobhan',
  parentLastName: "O'Brien",
  childFirstName: 'Liam',
  childLastName: "O'Brien",
  childDateOfBirth: '2015-04-02',
  abandoned: false,
  ...overrides,
});
const brother = (overrides: Partial<SiblingCandidate> = {}) =>
  aChild({ childFirstName: 'Niamh', childDateOfBirth: '2017-09-30', ...overrides });

describe('isSibling', () => {
  it.each([
    ['the same parent and surname, another child', brother(), true],
    [
      'O’Brien with a curly apostrophe',
      brother({ parentLastName: 'O’Brien', childLastName: 'O’Brien' }),
      true,
    ],
    [
      "o'brien in lower case",
      brother({ parentLastName: "o'brien", childLastName: "o'brien" }),
      true,
    ],
    [
      'OBRIEN without the apostrophe',
      brother({ parentLastName: 'OBRIEN', childLastName: 'OBrien' }),
      true,
    ],
    [
      'extra spaces in the parent name',
      brother({ parentFirstName: '  Siobhan ', parentLastName: " O'Brien " }),
      true,
    ],
    ['accents typed or not', brother({ parentFirstName: 'Siobhán' }), true],
    [
      'the parent name split differently',
      brother({ parentFirstName: "Siobhan O'Brien", parentLastName: '' }),
      true,
    ],
    ['twins: same birthday, different names', brother({ childDateOfBirth: '2015-04-02' }), true],
    ['the same child registered twice', aChild(), false],
    [
      'the same child with the name cased differently',
      aChild({ childFirstName: 'LIAM', childLastName: 'o’brien' }),
      false,
    ],
    ['an abandoned registration', brother({ abandoned: true }), false],
    ['another parent with the same surname', brother({ parentFirstName: 'Sean' }), false],
    ['the same parent, a different child surname', brother({ childLastName: 'Murphy' }), false],
  ])('%s → %s', (_case, other, expected) => {
    expect(isSibling(aChild(), other)).toBe(expected);
    expect(isSibling(other, aChild())).toBe(expected);
  });

  it('never matches on a blank parent name', () => {
    const noParent = { parentFirstName: ' ', parentLastName: '' };
    expect(isSibling(aChild(noParent), brother(noParent))).toBe(false);
  });

  it('finds a sibling among the season’s registrations, ignoring the child’s own', () => {
    const child = aChild();
    expect(hasSibling(child, [child, aChild({ abandoned: true })])).toBe(false);
    expect(hasSibling(child, [child, brother()])).toBe(true);
  });
});
