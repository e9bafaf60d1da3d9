import { describe, expect, it } from 'vitest';
import { matchHouse, parseHouse } from '../../tools/address-lookup/match-house.ts';
import type { Premise } from '../../tools/address-lookup/port.ts';

const premise = (parts: Partial<Premise>): Premise => ({
  buildingNumber: '',
  buildingName: '',
  subBuilding: '',
  ...parts,
});

/** The delivery addresses of one imaginary postcode, by a short id. */
const CANDIDATES = Object.entries({
  '12': premise({ buildingNumber: '12' }),
  '12A': premise({ buildingName: '12A' }),
  'Flat 2, 14': premise({ subBuilding: 'Flat 2', buildingNumber: '14' }),
  'Flat 3, 14': premise({ subBuilding: 'Flat 3', buildingNumber: '14' }),
  'Rose Cottage': premise({ buildingName: 'Rose Cottage' }),
  'Flat 1, Kingsley Hall': premise({ subBuilding: 'Flat 1', buildingName: 'Kingsley Hall' }),
  'Flat 12, Kingsley Hall': premise({ subBuilding: 'Flat 12', buildingName: 'Kingsley Hall' }),
  'Ground Floor Flat, 16': premise({ subBuilding: 'Ground Floor Flat', buildingNumber: '16' }),
  'First Floor Flat, 16': premise({ subBuilding: 'First Floor Flat', buildingNumber: '16' }),
  'Flat 5, 18': premise({ buildingName: 'Flat 5', buildingNumber: '18' }),
  '7': premise({ buildingNumber: '7' }),
  'The Old Rectory': premise({ buildingName: 'The Old Rectory' }),
}).map(([id, parts]) => ({ id, premise: parts }));

describe('parseHouse', () => {
  it.each([
    ['12', { number: '12', sub: null, name: null }],
    ['12 a', { number: '12a', sub: null, name: null }],
    ['No. 7', { number: '7', sub: null, name: null }],
    ['#7', { number: '7', sub: null, name: null }],
    ['Flat 2, 14', { number: '14', sub: '2', name: null }],
    ['14 flat 3', { number: '14', sub: '3', name: null }],
    ['2/14', { number: '14', sub: '2', name: null }],
    ['Apt. 4B, 20', { number: '20', sub: '4b', name: null }],
    ['Rose Cottage', { number: null, sub: null, name: 'rose cottage' }],
    ["St Mary's House", { number: null, sub: null, name: 'st marys house' }],
    ['Ground floor flat, 16', { number: '16', sub: null, name: 'ground floor flat' }],
    ['', { number: null, sub: null, name: null }],
  ])('reads %j', (house, expected) => {
    expect(parseHouse(house)).toEqual(expected);
  });
});

describe('matchHouse', () => {
  it.each([
    ['12', ['12']],
    ['12a', ['12A']],
    ['12 A', ['12A']],
    ['no 7', ['7']],
    ['number 7', ['7']],
    ['14', ['Flat 2, 14', 'Flat 3, 14']],
    ['Flat 2, 14', ['Flat 2, 14']],
    ['flat 2 14', ['Flat 2, 14']],
    ['2, 14', ['Flat 2, 14']],
    ['Apartment 3, 14', ['Flat 3, 14']],
    ['Flat 2', ['Flat 2, 14']],
    ['Rose Cottage', ['Rose Cottage']],
    ['ROSE COTTAGE, Sandy Lane', ['Rose Cottage']],
    ['old rectory', ['The Old Rectory']],
    ['Kingsley Hall', ['Flat 1, Kingsley Hall', 'Flat 12, Kingsley Hall']],
    ['Flat 1 Kingsley Hall', ['Flat 1, Kingsley Hall']],
    ['12 Kingsley Hall', ['Flat 12, Kingsley Hall']],
    ['12 Sandy Lane', ['12']],
    ['16', ['Ground Floor Flat, 16', 'First Floor Flat, 16']],
    ['Ground floor flat, 16', ['Ground Floor Flat, 16']],
    ['Flat 5, 18', ['Flat 5, 18']],
    ['18', ['Flat 5, 18']],
    ['99', []],
    ['Flat 9, 14', []],
    ['Sandy Lane', []],
    ['', []],
  ])('matches %j', (house, ids) => {
    expect(matchHouse(house, CANDIDATES).map((candidate) => candidate.id)).toEqual(ids);
  });
});
