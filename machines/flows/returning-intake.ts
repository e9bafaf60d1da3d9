import { routines } from '../../routines/index.ts';
import { HELD_QUESTIONS, SECTION_ROUTINES, type HeldSection } from '../returning.ts';
import { sessionSetup } from '../setup.ts';
import { critical, type FlowPart } from './states.ts';

/**
 * The returning-player intake (100 codes), after last season's record was found: the family's
 * check, then the record reviewed section by section. Changed details are asked by the new-player
 * routines, which come back here as a correction would; then the summary and the shared finishing.
 * Entered at `verifyIdentity`; leaves to `claimingRegistration` and `confirmDetails` (or
 * `playerMobile`/`playerEmail` for an own-contact age group).
 */
const meta = (routine: keyof typeof routines) => ({ routine, number: routines[routine].number });

/** A section of the held record: the parent confirms it or says what changed. */
const review = (section: HeldSection) =>
  sessionSetup.createStateConfig({
    tags: 'awaitingUser',
    meta: meta(SECTION_ROUTINES[section]),
    on: {
      'user.answered': {
        target: 'reviewHeld',
        actions: { type: 'reviewSection', params: { section } },
      },
    },
  });

export const returningIntake = {
  /** A returning player: last season's record by the code's name, team and age group. */
  findingPrevious: critical('findPrevious', {
    'previous.found': {
      target: 'verifyIdentity',
      actions: ['rememberCandidates', 'clearFailure'],
    },
    'previous.notFound': {
      target: '#session.returningPlayer',
      actions: ['noteReturningNotFound', 'clearFailure'],
    },
  }),
  /** The record the family's answer matched, read again: nothing of it was kept before. */
  loadingHeld: critical('loadHeld', {
    'held.loaded': { target: 'claimingRegistration', actions: ['acceptHeld', 'clearFailure'] },
    'previous.notFound': {
      target: '#session.returningPlayer',
      actions: ['noteReturningNotFound', 'clearFailure'],
    },
  }),
  /** Nothing is shown before the family's answer matches; two wrong answers end it. */
  verifyIdentity: sessionSetup.createStateConfig({
    tags: 'awaitingUser',
    meta: meta('verifyIdentity'),
    on: {
      'user.answered': [
        { guard: 'identityMatches', target: 'loadingHeld', actions: 'matchCandidate' },
        { guard: 'identityFailedTwice', target: '#session.generic', actions: 'refuseIdentity' },
        { actions: 'countMismatch' },
      ],
    },
  }),
  /** What is next in the review: a changed detail to ask, the next section, or the summary. */
  reviewHeld: sessionSetup.createStateConfig({
    always: [
      ...HELD_QUESTIONS.map((routine) => ({
        guard: { type: 'nextHeldIs' as const, params: { routine } },
        target: routine,
        actions: 'askHeld' as const,
      })),
      ...(Object.keys(SECTION_ROUTINES) as HeldSection[]).map((section) => ({
        guard: { type: 'sectionPending' as const, params: { section } },
        target: SECTION_ROUTINES[section],
      })),
      {
        guard: 'playerMobileNeeded',
        target: 'playerMobile',
        actions: ['finishReview', 'startCorrecting'],
      },
      {
        guard: 'playerEmailNeeded',
        target: 'playerEmail',
        actions: ['finishReview', 'startCorrecting'],
      },
      { target: 'confirmDetails', actions: 'finishReview' },
    ],
  }),
  heldParentContact: review('parentContact'),
  heldAddress: review('address'),
  heldMedical: review('medical'),
} satisfies FlowPart;
