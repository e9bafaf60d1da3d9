import { parentDetailFields } from '../routines/index.ts';
import type { Draft } from '../routines/draft.ts';

/** Drops answers that an earlier answer made meaningless, so a correction never leaves stale data. */
export function settleDraft(draft: Partial<Draft>): Partial<Draft> {
  const settled = { ...draft };
  if (settled.hasMedicalIssues === false) {
    settled.medicalIssues = null;
    settled.medicalNotes = null;
  }
  if (settled.playedLastSeason === true) settled.previousTeam = null;
  if (settled.childLivesWithParent === true) {
    delete settled.childPostcode;
    delete settled.childHouseNumber;
    delete settled.childAddress;
    delete settled.childAddressConfirmed;
    delete settled.childAddressChoices;
    delete settled.childAddressChoice;
  }
  return settled;
}

/** The parent's own details, from the routines marked `parentDetail` (routines/index.ts). */
const PARENT_FIELDS = parentDetailFields();

/** The parent's own details from a registration, to offer again for a brother or sister. */
export function parentDetails(draft: Partial<Draft>): Partial<Draft> {
  return Object.fromEntries(
    PARENT_FIELDS.filter((field) => draft[field] !== undefined).map((field) => [
      field,
      draft[field],
    ]),
  );
}
