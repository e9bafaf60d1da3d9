import { describe, expect, it } from 'vitest';
import { Draft } from '../../routines/draft.ts';
import {
  correctableBy,
  parentDetailFields,
  requiredFields,
  routines,
  uploadOnly,
} from '../../routines/index.ts';

/** The lists the machine used to keep by hand, now derived from each routine's own properties. */
describe("the machine's lists, derived from the routines", () => {
  it('names every answer a record needs', () => {
    expect(requiredFields().sort()).toEqual(
      [
        'parentFirstName',
        'parentLastName',
        'childFirstName',
        'childLastName',
        'childDateOfBirth',
        'childGender',
        'hasMedicalIssues',
        'playedLastSeason',
        'relationship',
        'parentMobile',
        'parentEmail',
        'communicationConsent',
        'parentDateOfBirth',
        'parentAddress',
        'paymentDay',
      ].sort(),
    );
  });

  it("names the parent's own details, offered again for a sibling", () => {
    expect(parentDetailFields().sort()).toEqual(
      [
        'parentFirstName',
        'parentLastName',
        'parentMobile',
        'parentEmail',
        'communicationConsent',
        'parentDateOfBirth',
        'parentPostcode',
        'parentHouseNumber',
        'parentAddress',
        'parentAddressConfirmed',
      ].sort(),
    );
  });

  it('answers the photo only by an upload', () => {
    expect(uploadOnly()).toEqual(['photo']);
  });

  it("requires only fields of the routine's own slice of the draft", () => {
    for (const routine of Object.values(routines)) {
      if (routine.kind !== 'question') continue;
      const own = Object.keys(routine.extracts.shape);
      for (const field of routine.required ?? []) {
        expect(own).toContain(field);
        expect(Object.keys(Draft.shape)).toContain(field);
      }
    }
  });

  it('lets the summary correct the answers it shows', () => {
    expect(correctableBy('atSummary')).toContain('parentEmail');
    expect(correctableBy('atSummary')).not.toContain('photo');
  });
});
