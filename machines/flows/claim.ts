import { answerIs, critical, meta, type FlowPart } from './states.ts';

/** Claimed (or taken over): back to where the parent was, or on to the child's next question. */
const claimed = [
  {
    guard: 'isCorrecting',
    target: 'afterCorrection',
    actions: ['setRegistration', 'clearFailure'],
  },
  { guard: 'isReviewingHeld', target: 'reviewHeld', actions: ['setRegistration', 'clearFailure'] },
  { target: 'childGender', actions: ['setRegistration', 'clearFailure'] },
] as const;

/** Registered and paid already, from another chat: nothing more to do here. */
const alreadyComplete = {
  target: '#session.generic',
  actions: ['noteAlreadyRegistered', 'clearFailure'],
} as const;

/**
 * The one registration per child and season, claimed for this chat once the child is known (by
 * either intake); a registration another chat is carrying on is taken over only if the parent
 * says so.
 */
export const claimPart = {
  /** The child is known: claim the one registration per child and season for this chat. */
  claimingRegistration: critical('claimRegistration', {
    'registration.claimed': claimed,
    'registration.elsewhere': {
      target: 'carryOnHere',
      actions: ['setRegistration', 'clearFailure'],
    },
    'registration.complete': alreadyComplete,
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
    'registration.claimed': claimed,
    'registration.complete': alreadyComplete,
  }),
} satisfies FlowPart;
