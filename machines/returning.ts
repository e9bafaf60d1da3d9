import type { Draft } from '../routines/draft.ts';
import type { HeldCandidate } from './held-record.ts';

/** The sections of last season's record a returning player's parent reviews, in order. */
export const HELD_SECTIONS = ['parentContact', 'address', 'medical'] as const;
export type HeldSection = (typeof HELD_SECTIONS)[number];

/**
 * The new-player routines asked again when a section changed; each is a state of the flow that
 * returns to the review when answered (as a correction does).
 */
export const HELD_QUESTIONS = [
  'parentMobile',
  'parentEmail',
  'parentPostcode',
  'childLivesWithParent',
  'medicalIssues',
] as const;
export type HeldQuestion = (typeof HELD_QUESTIONS)[number];

/** The routine on screen for each section. */
export const SECTION_ROUTINES = {
  parentContact: 'heldParentContact',
  address: 'heldAddress',
  medical: 'heldMedical',
} as const satisfies Record<HeldSection, string>;

/** A returning player's review: the records to check against, then what is left to review. */
export type Returning = {
  /** Last season's records matching the code, as digests, until the family's answer picks one. */
  candidates: HeldCandidate[];
  /** Wrong answers so far to the identity check. */
  tries: number;
  /** The record the answer matched: the new season's record links to it. */
  previous: { registrationId: string; season: string } | null;
  /** Sections not yet reviewed, in order. */
  sections: HeldSection[];
  /** Routines still to ask because their section changed, in order. */
  toAsk: HeldQuestion[];
};

/** What a section's answer leaves to ask: only the details that changed. */
export function heldQuestionsAfter(section: HeldSection, answer: Partial<Draft>): HeldQuestion[] {
  switch (section) {
    case 'parentContact':
      return HELD_QUESTIONS.filter((routine) =>
        (answer.heldContactChanges ?? []).some((changed) => changed === routine),
      );
    case 'address':
      return answer.heldAddressCurrent === false ? ['parentPostcode', 'childLivesWithParent'] : [];
    case 'medical':
      return answer.heldMedicalCurrent === false ? ['medicalIssues'] : [];
  }
}
