import { answerIs, critical, meta, type FlowPart } from './states.ts';

/**
 * The one registration per child and season, claimed for this chat once the child is known (by
 * either intake); a registration another chat is carrying on is taken over only if the parent
 * says so.
 */
export const claimPart = {
  /** The child is known: claim the one registration per child and season for this chat. */
  claimingRegistration: critical('claimRegistration', {
    'registration.claimed': [
      {
        guard: 'isCorrecting',
        target: 'afterCorrection',
        actions: ['setRegistration', 'clearFailure'],
      },
      {
        guard: 'isReviewingHeld',
        target: 'reviewHeld',
        actions: ['setRegistration', 'clearFailure'],
      },
      { target: 'childGender', actions: ['setRegistration', 'clearFailure'] },
    ],
    'registration.elsewhere': {
      target: 'carryOnHere',
      actions: ['setRegistration', 'clearFailure'],
    },
    'registration.complete': {
      target: '#session.generic',
      actions: ['noteAlreadyRegistered', 'clearFailure'],
    },
  }),
  carryOnHere: {
    tags: 'awaitingUser',
    meta: meta('carryOnHere'),
    on: {
      'user.answered': [
        {
          guard: answerIs('carryOnHere', true),
          target: 'takingOverRegistration',
          actions: 'saveAnswer',
        },
        { target: '#session.generic', actions: 'noteStoppedHere' },
      ],
    },
  },
  takingOverRegistration: critical('takeOverRegistration', {
    'registration.claimed': [
      {
        guard: 'isCorrecting',
        target: 'afterCorrection',
        actions: ['setRegistration', 'clearFailure'],
      },
      {
        guard: 'isReviewingHeld',
        target: 'reviewHeld',
        actions: ['setRegistration', 'clearFailure'],
      },
      { target: 'childGender', actions: ['setRegistration', 'clearFailure'] },
    ],
    'registration.complete': {
      target: '#session.generic',
      actions: ['noteAlreadyRegistered', 'clearFailure'],
    },
  }),
} satisfies FlowPart;
