import { addressPart } from './address.ts';
import { answerIs, ask, meta, step, type FlowPart } from './states.ts';

/**
 * The new-player intake (200 codes), routines 1-24: the parent and the child, the medical and
 * football questions, the parent's contact and address, the child's address, and at routine 22 the
 * age branch to the player's own contact details. The child is claimed (claim.ts) once named and
 * dated; the intake ends at the summary (summary.ts).
 */
export const newPlayerIntake = {
  reuseParentDetails: {
    tags: 'awaitingUser',
    meta: meta('reuseParentDetails'),
    on: {
      'user.answered': [
        {
          guard: answerIs('reuseParentDetails', true),
          target: 'childName',
          actions: ['saveAnswer', 'reuseParent'],
        },
        { target: 'parentName', actions: 'saveAnswer' },
      ],
    },
  },
  parentName: ask('parentName', 'childName'),
  childName: ask('childName', 'childDateOfBirth'),
  childDateOfBirth: step('childDateOfBirth', 'claimingRegistration', {
    guard: 'isTooOldForAgeGroup',
    target: 'childAgeGroupCheck',
  }),
  childAgeGroupCheck: step('childAgeGroupCheck', 'claimingRegistration', {
    guard: answerIs('childAgeGroupConfirmed', false),
    target: 'childDateOfBirth',
  }),
  childGender: ask('childGender', 'medicalIssues'),
  medicalIssues: ask('medicalIssues', 'playedLastSeason', {
    guard: 'hasSeriousCondition',
    target: 'medicalNotes',
  }),
  medicalNotes: ask('medicalNotes', 'playedLastSeason'),
  playedLastSeason: ask('playedLastSeason', 'relationship', {
    guard: answerIs('playedLastSeason', false),
    target: 'previousTeam',
  }),
  previousTeam: ask('previousTeam', 'relationship'),
  relationship: {
    tags: 'awaitingUser',
    meta: meta('relationship'),
    on: {
      'user.answered': [
        { guard: 'isCorrecting', target: 'afterCorrection', actions: 'saveAnswer' },
        { guard: 'reusesParentDetails', target: 'childLivesWithParent', actions: 'saveAnswer' },
        { target: 'parentMobile', actions: 'saveAnswer' },
      ],
    },
  },
  parentMobile: ask('parentMobile', 'parentEmail'),
  parentEmail: ask('parentEmail', 'communicationConsent'),
  communicationConsent: ask('communicationConsent', 'parentDateOfBirth'),
  parentDateOfBirth: ask('parentDateOfBirth', 'parentPostcode'),
  ...addressPart('parent', 'childLivesWithParent'),
  childLivesWithParent: step('childLivesWithParent', 'ageBranch', {
    guard: answerIs('childLivesWithParent', false),
    target: 'childPostcode',
  }),
  ...addressPart('child', 'ageBranch'),
  /** Routine 22: no question; the code's age group decides. */
  ageBranch: {
    meta: meta('ageBranch'),
    always: [
      { guard: 'isCorrecting', target: 'afterCorrection' },
      { guard: 'needsOwnContact', target: 'playerMobile' },
      { target: 'confirmDetails' },
    ],
  },
  playerMobile: ask('playerMobile', 'playerEmail'),
  playerEmail: ask('playerEmail', 'confirmDetails'),
} satisfies FlowPart;
