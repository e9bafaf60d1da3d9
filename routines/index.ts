import type { Draft } from './draft.ts';
import type { Corrections, Routine } from './define-routine.ts';
import { parentName } from './parent-name.ts';
import { reuseParentDetails } from './reuse-parent-details.ts';
import { childName } from './child-name.ts';
import { childDateOfBirth } from './child-date-of-birth.ts';
import { childAgeGroupCheck } from './child-age-group-check.ts';
import { carryOnHere } from './carry-on-here.ts';
import { childGender } from './child-gender.ts';
import { medicalIssues } from './medical-issues.ts';
import { medicalNotes } from './medical-notes.ts';
import { playedLastSeason } from './played-last-season.ts';
import { previousTeam } from './previous-team.ts';
import { relationship } from './relationship.ts';
import { parentMobile } from './parent-mobile.ts';
import { parentEmail } from './parent-email.ts';
import { communicationConsent } from './communication-consent.ts';
import { parentDateOfBirth } from './parent-date-of-birth.ts';
import { parentPostcode } from './parent-postcode.ts';
import { parentHouseNumber } from './parent-house-number.ts';
import { chooseParentAddress } from './choose-parent-address.ts';
import { parentHouseNotFound } from './parent-house-not-found.ts';
import { parentPostcodeUnknown } from './parent-postcode-unknown.ts';
import { parentAddressTyped } from './parent-address-typed.ts';
import { confirmParentAddress } from './confirm-parent-address.ts';
import { childLivesWithParent } from './child-lives-with-parent.ts';
import { childPostcode } from './child-postcode.ts';
import { childHouseNumber } from './child-house-number.ts';
import { chooseChildAddress } from './choose-child-address.ts';
import { childHouseNotFound } from './child-house-not-found.ts';
import { childPostcodeUnknown } from './child-postcode-unknown.ts';
import { childAddressTyped } from './child-address-typed.ts';
import { confirmChildAddress } from './confirm-child-address.ts';
import { ageBranch } from './age-branch.ts';
import { playerMobile } from './player-mobile.ts';
import { playerEmail } from './player-email.ts';
import { confirmDetails } from './confirm-details.ts';
import { paymentDay } from './payment-day.ts';
import { paymentLinkReceived } from './payment-link-received.ts';
import { kitSize } from './kit-size.ts';
import { shirtNumber } from './shirt-number.ts';
import { photo } from './photo.ts';
import { registered } from './registered.ts';
import { verifyIdentity } from './verify-identity.ts';
import { heldParentContact } from './held-parent-contact.ts';
import { heldAddress } from './held-address.ts';
import { heldMedical } from './held-medical.ts';
import { registerAsNew } from './register-as-new.ts';

/** Every routine (new and returning players), keyed by id; the id is also the machine state that shows it. */
export const routines = {
  parentName,
  reuseParentDetails,
  childName,
  childDateOfBirth,
  childAgeGroupCheck,
  carryOnHere,
  childGender,
  medicalIssues,
  medicalNotes,
  playedLastSeason,
  previousTeam,
  relationship,
  parentMobile,
  parentEmail,
  communicationConsent,
  parentDateOfBirth,
  parentPostcode,
  parentHouseNumber,
  chooseParentAddress,
  parentHouseNotFound,
  parentPostcodeUnknown,
  parentAddressTyped,
  confirmParentAddress,
  childLivesWithParent,
  childPostcode,
  childHouseNumber,
  chooseChildAddress,
  childHouseNotFound,
  childPostcodeUnknown,
  childAddressTyped,
  confirmChildAddress,
  ageBranch,
  playerMobile,
  playerEmail,
  confirmDetails,
  paymentDay,
  paymentLinkReceived,
  kitSize,
  shirtNumber,
  photo,
  registered,
  // Returning players (100 codes).
  verifyIdentity,
  heldParentContact,
  heldAddress,
  heldMedical,
  registerAsNew,
} satisfies Record<string, Routine>;

export type RoutineId = keyof typeof routines;
export type QuestionRoutineId = {
  [K in RoutineId]: (typeof routines)[K] extends { kind: 'question' } ? K : never;
}[RoutineId];

export const isRoutineId = (id: string): id is RoutineId => Object.hasOwn(routines, id);

const questions = () =>
  (Object.keys(routines) as RoutineId[]).flatMap((id) => {
    const routine: Routine = routines[id];
    return routine.kind === 'question' ? [{ id: id as QuestionRoutineId, routine }] : [];
  });

/** The answers a record cannot be saved without (each routine's `required`). */
export const requiredFields = (): (keyof Draft)[] =>
  questions().flatMap(({ routine }) => (routine.required ?? []) as (keyof Draft)[]);

/** The parent's own details, offered again for a sibling: what the `parentDetail` routines extract. */
export const parentDetailFields = (): (keyof Draft)[] =>
  questions().flatMap(({ routine }) =>
    routine.parentDetail ? (Object.keys(routine.extracts.shape) as (keyof Draft)[]) : [],
  );

/** The routines answered by an upload (`answeredBy`). */
export const uploadOnly = (): QuestionRoutineId[] =>
  questions().flatMap(({ id, routine }) => (routine.answeredBy === 'upload' ? [id] : []));

/** The question routines whose answer may be changed the given way (their `corrections`), in catalogue order. */
export const correctableBy = (way: keyof Corrections): QuestionRoutineId[] =>
  (Object.keys(routines) as RoutineId[]).filter((id): id is QuestionRoutineId => {
    const routine: Routine = routines[id];
    return routine.kind === 'question' && routine.corrections?.[way] === true;
  });
