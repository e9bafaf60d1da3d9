import type { ClubConfig } from '../routines/club.ts';
import { hasSibling, type SiblingCandidate } from '../routines/sibling.ts';
import { monthlyAmountPence } from '../routines/subscription-plan.ts';
import type {
  RegistrationFields,
  RegistrationStore,
} from '../tools/registrations/registrations.ts';

/** DD-MM-YYYY (the record's format) as YYYY-MM-DD. */
const isoFromUk = (date: string) => date.split('-').reverse().join('-');

/** What the sibling rule reads of a stored record; a registration given up is `incomplete`. */
export const siblingCandidate = (fields: RegistrationFields): SiblingCandidate => ({
  parentFirstName: fields.parent_first_name,
  parentLastName: fields.parent_last_name,
  childFirstName: fields.player_first_name,
  childLastName: fields.player_last_name,
  childDateOfBirth: isoFromUk(fields.player_dob),
  abandoned: fields.registration_status === 'incomplete',
});

/** Whether another child of the same parent is registered this season (not this registration). */
export async function siblingRegistered(
  registrations: RegistrationStore,
  registrationId: string,
  fields: RegistrationFields,
  signal?: AbortSignal,
) {
  const family = {
    parentFirstName: fields.parent_first_name,
    parentLastName: fields.parent_last_name,
    childLastName: fields.player_last_name,
  };
  const season = (await registrations.find({ season: fields.season, family }, signal)).filter(
    (other) => other.id !== registrationId,
  );
  return hasSibling(
    siblingCandidate(fields),
    season.map((other) => siblingCandidate(other.fields)),
  );
}

/** The monthly amount in pence: the fee, less the sibling discount when a sibling is registered. */
export async function monthlyAmountFor(
  registrations: RegistrationStore,
  club: ClubConfig,
  registrationId: string,
  fields: RegistrationFields,
  signal?: AbortSignal,
) {
  const sibling = await siblingRegistered(registrations, registrationId, fields, signal);
  return monthlyAmountPence(club.fees.monthlyPence, club.siblingDiscountPercent, sibling);
}
