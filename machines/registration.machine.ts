import type { Draft } from '../routines/draft.ts';
import { correctableBy, routines, type QuestionRoutineId } from '../routines/index.ts';
import { and, not, stateIn } from 'xstate';
import { returningIntake } from './flows/returning-intake.ts';
import { RESUME_POINTS, sessionSetup, type EffectId } from './setup.ts';
import type { Command } from './side-talk.ts';

/** Routines a parent may go back to from the summary (28); each re-asks what depends on it. */
export const CORRECTABLE: readonly QuestionRoutineId[] = correctableBy('atSummary');

/** Routines a parent may name in a correction: the summary's, and those asked after the save. */
export const MENTIONABLE: readonly QuestionRoutineId[] = [
  ...new Set([...CORRECTABLE, ...correctableBy('afterSave'), ...correctableBy('midFlow')]),
];

const meta = (routine: QuestionRoutineId | 'ageBranch') => ({
  routine,
  number: routines[routine].number,
});

type YesNoField = { [K in keyof Draft]-?: Draft[K] extends boolean ? K : never }[keyof Draft];

/** A guard on the answer just given, e.g. "the parent said no". */
const answerIs = (field: YesNoField, value: boolean) =>
  ({ type: 'answerIs', params: { field, value } }) as const;

/** A guard on the command the parent gave ("stop", "later", ...). */
const commandIs = (command: Command) => ({ type: 'commandIs', params: { command } }) as const;

type Guard =
  'isTooOldForAgeGroup' | 'hasSeriousCondition' | 'hasShirtNumber' | ReturnType<typeof answerIs>;
/** Where an answer goes instead of the usual next step, when its guard holds. */
type Branch = { guard: Guard; target: string };

const answered = (branch: Branch | undefined, rest: { guard?: 'isCorrecting'; target: string }[]) =>
  [...(branch ? [branch] : []), ...rest].map((transition) => ({
    ...transition,
    actions: 'saveAnswer' as const,
  }));

/**
 * A routine state: shows its question; on a valid answer takes `branch` when its guard holds,
 * returns to the summary when the parent is correcting, and otherwise moves on to `next`.
 */
const ask = (routine: QuestionRoutineId, next: string, branch?: Branch) =>
  sessionSetup.createStateConfig({
    tags: 'awaitingUser',
    meta: meta(routine),
    on: {
      'user.answered': answered(branch, [
        { guard: 'isCorrecting', target: 'afterCorrection' },
        { target: next },
      ]),
    },
  });

/** A routine whose answer always leads on: a link in a chain (the address) or after the summary. */
const step = (routine: QuestionRoutineId, next: string, branch?: Branch) =>
  sessionSetup.createStateConfig({
    tags: 'awaitingUser',
    meta: meta(routine),
    on: { 'user.answered': answered(branch, [{ target: next }]) },
  });

/** An effect state: the turn runner runs `effect` through a port and sends its outcome. */
type Transitions = NonNullable<Parameters<typeof sessionSetup.createStateConfig>[0]['on']>;

const effect = (id: EffectId, on: Transitions) =>
  sessionSetup.createStateConfig({ tags: 'effect', meta: { effect: id }, on });

/**
 * Effects the flow cannot go on without. When one fails, a bug hands the parent to the club at
 * once; an unavailable service is tried again on the parent's next message, and handed to the club
 * after MAX_EFFECT_FAILURES in a row. Never an endless loop.
 */
const RETRIED = {
  findPrevious: 'findingPrevious',
  loadHeld: 'loadingHeld',
  claimRegistration: 'claimingRegistration',
  takeOverRegistration: 'takingOverRegistration',
  saveRegistration: 'savingRegistration',
  createPayment: 'creatingPayment',
  sendPaymentLink: 'sendingPaymentLink',
  reserveShirtNumber: 'reservingShirtNumber',
  savePhoto: 'savingPhoto',
  updateRecord: 'updatingRecord',
} as const satisfies Partial<Record<EffectId, string>>;

const whenFailed = [
  { guard: 'isBug', target: 'handingOff', actions: 'handOff' },
  { guard: 'failedTooOften', target: 'handingOff', actions: 'handOff' },
  { target: 'waitingToRetry', actions: 'countFailure' },
] as const;

/** A critical effect: a failure is retried on the next message or handed off (see whenFailed). */
const critical = (id: keyof typeof RETRIED, on: Transitions) =>
  effect(id, { ...on, 'effect.failed': [...whenFailed] });

/** Another chat carried this registration on: this one stops, writing nothing more. */
const takenOver = {
  target: '#session.generic',
  actions: ['noteTakenOver', 'clearFailure'],
} as const;

/** A failure of an effect with its own fallback: a bug still hands off at once. */
const orFallBack = (fallback: string | { target: string; actions: 'noteAddressNotFound' }) => [
  { guard: 'isBug' as const, target: 'handingOff', actions: 'handOff' as const },
  typeof fallback === 'string' ? { target: fallback } : fallback,
];

type Who = 'parent' | 'child';

/** The states of each side's address steps (routines 13-15 for the parent, 19-21 for the child). */
const ADDRESS_STATES = {
  parent: {
    lookUp: 'lookingUpParentAddress',
    choose: 'chooseParentAddress',
    houseNotFound: 'parentHouseNotFound',
    postcodeUnknown: 'parentPostcodeUnknown',
    typed: 'parentAddressTyped',
    confirm: 'confirmParentAddress',
  },
  child: {
    lookUp: 'lookingUpChildAddress',
    choose: 'chooseChildAddress',
    houseNotFound: 'childHouseNotFound',
    postcodeUnknown: 'childPostcodeUnknown',
    typed: 'childAddressTyped',
    confirm: 'confirmChildAddress',
  },
} as const;

/**
 * Routine 13/19's lookup: one address is confirmed; several are offered as a list; a house not in
 * the postcode or an unknown postcode is asked about; a service down or slow (the port's timeout
 * bounds it) means typing the address. Only a bug hands off.
 */
const lookUpAddress = (who: Who) => {
  const states = ADDRESS_STATES[who];
  return effect(who === 'parent' ? 'lookUpParentAddress' : 'lookUpChildAddress', {
    'address.found': [
      {
        guard: 'severalAddresses',
        target: states.choose,
        actions: { type: 'offerAddresses', params: { who } },
      },
      { target: states.confirm, actions: { type: 'saveAddress', params: { who } } },
    ],
    'address.houseNotFound': states.houseNotFound,
    'address.postcodeUnknown': states.postcodeUnknown,
    'effect.failed': orFallBack({ target: states.typed, actions: 'noteAddressNotFound' }),
  });
};

/** The numbered list (13/19): a listed address is confirmed next; "none of these" types it. */
const chooseAddress = (who: Who) => {
  const states = ADDRESS_STATES[who];
  return sessionSetup.createStateConfig({
    tags: 'awaitingUser',
    meta: meta(states.choose),
    on: {
      'user.answered': [
        {
          guard: { type: 'pickedListedAddress', params: { who } },
          target: states.confirm,
          actions: { type: 'pickAddress', params: { who } },
        },
        { target: states.typed, actions: { type: 'dropAddressChoices', params: { who } } },
      ],
    },
  });
};

/** "Is the number (or the postcode) right?" (13/19): a new value is looked up again, else typed. */
const askAgain = (who: Who, what: 'house' | 'postcode') => {
  const states = ADDRESS_STATES[who];
  return sessionSetup.createStateConfig({
    tags: 'awaitingUser',
    meta: meta(what === 'house' ? states.houseNotFound : states.postcodeUnknown),
    on: {
      'user.answered': [
        {
          guard: { type: 'givesNewValue', params: { who, what } },
          target: states.lookUp,
          actions: { type: 'retryLookup', params: { who, what } },
        },
        { target: states.typed, actions: { type: 'retryLookup', params: { who, what } } },
      ],
    },
  });
};

/** Routines 1-35 of a new player's registration, as the states of one compound state. */
export const registrationFlow = sessionSetup.createStateConfig({
  initial: 'starting',
  entry: 'startRegistration',
  on: {
    'user.corrected': [
      // After the save: the stored record is updated, then the parent is back where they were.
      ...RESUME_POINTS.map((at) => ({
        guard: and(['isUpdateAfterSave', stateIn({ newRegistration: at })]),
        target: '.updatingRecord',
        actions: [
          'saveQuietCorrection' as const,
          { type: 'rememberResumePoint' as const, params: { at } },
        ],
      })),
      { guard: 'isRefusedAfterSave', actions: 'noteNotChangedAfterSave' },
      { guard: 'hasSavedRecord', actions: 'noteWhatToChange' },
      { guard: 'isSimpleCorrection', actions: 'saveCorrection' },
      { actions: 'noteCorrectAtSummary' },
    ],
    'user.gaveCode': { actions: 'noteFinishFirst' },
    'user.uploadedPhoto': { actions: 'notePhotoNotYet' },
    // "help" goes on to the session's own handler; the others act on this registration.
    'user.commanded': [
      { guard: commandIs('pause'), actions: 'pause' },
      {
        guard: and([commandIs('stop'), not('hasSavedRecord')]),
        target: '#session.generic',
        actions: 'stopRegistration',
      },
      {
        guard: and([commandIs('restart'), not('hasSavedRecord')]),
        target: '.starting',
        actions: 'restartRegistration',
      },
      {
        guard: and([not(commandIs('help')), 'hasSavedRecord']),
        actions: 'noteSavedAlready',
      },
    ],
  },
  states: {
    starting: {
      always: [
        { guard: 'isReturning', target: 'findingPrevious' },
        { guard: 'hasPreviousParent', target: 'reuseParentDetails' },
        { target: 'parentName' },
      ],
    },
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
    ...returningIntake,
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
    parentPostcode: step('parentPostcode', 'parentHouseNumber'),
    parentHouseNumber: step('parentHouseNumber', 'lookingUpParentAddress'),
    lookingUpParentAddress: lookUpAddress('parent'),
    chooseParentAddress: chooseAddress('parent'),
    parentHouseNotFound: askAgain('parent', 'house'),
    parentPostcodeUnknown: askAgain('parent', 'postcode'),
    parentAddressTyped: step('parentAddressTyped', 'confirmParentAddress'),
    confirmParentAddress: ask('confirmParentAddress', 'childLivesWithParent', {
      guard: answerIs('parentAddressConfirmed', false),
      target: 'parentAddressTyped',
    }),
    childLivesWithParent: step('childLivesWithParent', 'ageBranch', {
      guard: answerIs('childLivesWithParent', false),
      target: 'childPostcode',
    }),
    childPostcode: step('childPostcode', 'childHouseNumber'),
    childHouseNumber: step('childHouseNumber', 'lookingUpChildAddress'),
    lookingUpChildAddress: lookUpAddress('child'),
    chooseChildAddress: chooseAddress('child'),
    childHouseNotFound: askAgain('child', 'house'),
    childPostcodeUnknown: askAgain('child', 'postcode'),
    childAddressTyped: step('childAddressTyped', 'confirmChildAddress'),
    confirmChildAddress: ask('confirmChildAddress', 'ageBranch', {
      guard: answerIs('childAddressConfirmed', false),
      target: 'childAddressTyped',
    }),
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
    /** After a correction: ask again whatever the corrected answer made invalid, then the summary. */
    afterCorrection: {
      always: [
        { guard: 'isReviewingHeld', target: 'reviewHeld' },
        { guard: 'identityMoved', target: 'claimingRegistration' },
        { guard: 'playerMobileNeeded', target: 'playerMobile' },
        { guard: 'playerEmailNeeded', target: 'playerEmail' },
        { target: 'confirmDetails', actions: 'finishCorrecting' },
      ],
    },
    confirmDetails: {
      tags: 'awaitingUser',
      meta: meta('confirmDetails'),
      on: {
        'user.answered': [
          {
            guard: answerIs('detailsConfirmed', true),
            target: 'paymentDay',
            actions: 'saveAnswer',
          },
          { actions: 'noteWhatToChange' },
        ],
        'user.corrected': CORRECTABLE.map((routine) => ({
          guard: { type: 'isCorrectionOf' as const, params: { routine } },
          target: routine,
          actions: 'startCorrecting' as const,
        })),
      },
    },
    paymentDay: step('paymentDay', 'savingRegistration'),
    savingRegistration: critical('saveRegistration', {
      'registration.saved': { target: 'creatingPayment', actions: ['markSaved', 'clearFailure'] },
      'registration.takenOver': takenOver,
      'registration.complete': {
        target: '#session.generic',
        actions: ['noteAlreadyRegistered', 'clearFailure'],
      },
    }),
    creatingPayment: critical('createPayment', {
      'payment.created': { target: 'sendingPaymentLink', actions: 'clearFailure' },
    }),
    sendingPaymentLink: critical('sendPaymentLink', {
      'sms.queued': { target: 'paymentLinkReceived', actions: 'clearFailure' },
    }),
    paymentLinkReceived: {
      tags: 'awaitingUser',
      meta: meta('paymentLinkReceived'),
      on: {
        'user.answered': [
          {
            guard: answerIs('paymentLinkReceived', false),
            target: 'checkingKit',
            actions: ['saveAnswer', 'noteLinkMissing'],
          },
          { target: 'checkingKit', actions: 'saveAnswer' },
        ],
      },
    },
    checkingKit: effect('checkKit', {
      'kit.checked': [
        { guard: 'needsKit', target: 'kitSize' },
        // A returning player keeps last season's number if it is still free.
        { guard: 'hasShirtNumber', target: 'reservingShirtNumber' },
        { guard: 'needsPhoto', target: 'photo' },
        { target: 'registered' },
      ],
      'effect.failed': orFallBack('kitSize'),
    }),
    kitSize: step('kitSize', 'shirtNumber', {
      guard: 'hasShirtNumber',
      target: 'reservingShirtNumber',
    }),
    shirtNumber: step('shirtNumber', 'reservingShirtNumber'),
    reservingShirtNumber: critical('reserveShirtNumber', {
      'shirt.reserved': [
        // A returning player's photo on file, recent enough, is kept.
        { guard: 'needsPhoto', target: 'photo', actions: 'clearFailure' },
        { target: 'registered', actions: 'clearFailure' },
      ],
      'registration.takenOver': takenOver,
      'shirt.taken': { target: 'shirtNumber', actions: ['releaseShirtNumber', 'clearFailure'] },
    }),
    photo: {
      tags: 'awaitingUser',
      meta: meta('photo'),
      on: { 'user.uploadedPhoto': { target: 'savingPhoto', actions: 'rememberUpload' } },
    },
    savingPhoto: critical('savePhoto', {
      'photo.saved': { target: 'registered', actions: ['savePhotoLink', 'clearFailure'] },
      'registration.takenOver': takenOver,
    }),
    registered: {
      tags: 'finished',
      meta: meta('registered'),
      on: {
        'user.gaveCode': {
          target: '#session.checkingCode',
          actions: ['rememberParent', 'rememberCode'],
        },
        'user.uploadedPhoto': { actions: 'noteAlreadyDone' },
      },
    },
    /** A correction after the save, written to the stored record before the parent is told. */
    updatingRecord: critical('updateRecord', {
      'record.updated': { target: 'resuming', actions: ['noteUpdated', 'clearFailure'] },
      'registration.takenOver': takenOver,
    }),
    resuming: {
      always: [
        ...RESUME_POINTS.filter((at) => at !== 'registered').map((at) => ({
          guard: { type: 'resumesAt' as const, params: { at } },
          target: at,
          actions: 'forgetResumePoint' as const,
        })),
        { target: 'registered', actions: 'forgetResumePoint' },
      ],
    },
    /** An effect's service was unavailable: any message from the parent tries it again. */
    waitingToRetry: {
      tags: 'awaitingUser',
      on: {
        'user.*': Object.entries(RETRIED).map(([id, target]) => ({
          guard: { type: 'retries' as const, params: { effect: id as EffectId } },
          target,
        })),
      },
    },
    /** The club finishes this registration with the parent; everything is kept. */
    handingOff: effect('flagForClub', {
      'club.flagged': { target: 'handedOff', actions: 'noteHandedOff' },
      'effect.failed': { target: 'handedOff', actions: 'noteHandedOff' },
    }),
    handedOff: {
      tags: 'finished',
      on: {
        'user.gaveCode': { target: '#session.checkingCode', actions: 'rememberCode' },
        'user.*': { actions: 'noteHandedOff' },
      },
    },
  },
});
