import { routines, type QuestionRoutineId } from '../routines/index.ts';
import { sessionSetup, type EffectId } from './setup.ts';

/** Routines a parent may go back to from the summary (28); each re-asks what depends on it. */
export const CORRECTABLE: readonly QuestionRoutineId[] = [
  'parentName',
  'childName',
  'childDateOfBirth',
  'childGender',
  'medicalIssues',
  'playedLastSeason',
  'relationship',
  'parentMobile',
  'parentEmail',
  'communicationConsent',
  'parentDateOfBirth',
  'parentPostcode',
  'parentAddressTyped',
  'childLivesWithParent',
  'childPostcode',
  'childAddressTyped',
  'playerMobile',
  'playerEmail',
];

const meta = (routine: QuestionRoutineId | 'ageBranch') => ({
  routine,
  number: routines[routine].number,
});

/** A routine state: shows its question, and on a valid answer moves on (or back to the summary). */
const ask = (routine: QuestionRoutineId, next: string) =>
  sessionSetup.createStateConfig({
    tags: 'awaitingUser',
    meta: meta(routine),
    on: {
      'user.answered': [
        { guard: 'isCorrecting', target: 'afterCorrection', actions: 'saveAnswer' },
        { target: next, actions: 'saveAnswer' },
      ],
    },
  });

/** A routine after the summary (28): nothing there is ever reached while correcting. */
const askAfterSummary = (routine: QuestionRoutineId, next: string) =>
  sessionSetup.createStateConfig({
    tags: 'awaitingUser',
    meta: meta(routine),
    on: { 'user.answered': { target: next, actions: 'saveAnswer' } },
  });

/** A yes/no routine whose "no" goes somewhere else. */
const askYesNo = (
  routine: QuestionRoutineId,
  field: 'parentAddressConfirmed' | 'childAddressConfirmed',
  yes: string,
  no: string,
) =>
  sessionSetup.createStateConfig({
    tags: 'awaitingUser',
    meta: meta(routine),
    on: {
      'user.answered': [
        {
          guard: { type: 'answerIs', params: { field, value: false } },
          target: no,
          actions: 'saveAnswer',
        },
        { guard: 'isCorrecting', target: 'afterCorrection', actions: 'saveAnswer' },
        { target: yes, actions: 'saveAnswer' },
      ],
    },
  });

/** An effect state: the turn runner runs `effect` through a port and sends its outcome. */
type Transitions = NonNullable<Parameters<typeof sessionSetup.createStateConfig>[0]['on']>;

const effect = (id: EffectId, on: Transitions) =>
  sessionSetup.createStateConfig({ tags: 'effect', meta: { effect: id }, on });

const lookUpAddress = (who: 'parent' | 'child') =>
  effect(who === 'parent' ? 'lookUpParentAddress' : 'lookUpChildAddress', {
    'address.found': {
      target: who === 'parent' ? 'confirmParentAddress' : 'confirmChildAddress',
      actions: { type: 'saveAddress', params: { who } },
    },
    'address.notFound': {
      target: who === 'parent' ? 'parentAddressTyped' : 'childAddressTyped',
      actions: 'noteAddressNotFound',
    },
    'effect.failed': {
      target: who === 'parent' ? 'parentAddressTyped' : 'childAddressTyped',
      actions: 'noteAddressNotFound',
    },
  });

/** Routines 1-35 of a new player's registration, as the states of one compound state. */
export const registrationFlow = sessionSetup.createStateConfig({
  initial: 'starting',
  entry: 'startRegistration',
  on: {
    'user.corrected': [
      { guard: 'isSimpleCorrection', actions: 'saveCorrection' },
      { actions: 'noteCorrectAtSummary' },
    ],
    'user.gaveCode': { actions: 'noteFinishFirst' },
    'user.uploadedPhoto': { actions: 'notePhotoNotYet' },
  },
  states: {
    starting: {
      always: [
        { guard: 'hasPreviousParent', target: 'reuseParentDetails' },
        { target: 'parentName' },
      ],
    },
    reuseParentDetails: {
      tags: 'awaitingUser',
      meta: meta('reuseParentDetails'),
      on: {
        'user.answered': [
          {
            guard: { type: 'answerIs', params: { field: 'reuseParentDetails', value: true } },
            target: 'childName',
            actions: ['saveAnswer', 'reuseParent'],
          },
          { target: 'parentName', actions: 'saveAnswer' },
        ],
      },
    },
    parentName: ask('parentName', 'childName'),
    childName: ask('childName', 'childDateOfBirth'),
    childDateOfBirth: {
      tags: 'awaitingUser',
      meta: meta('childDateOfBirth'),
      on: {
        'user.answered': [
          { guard: 'isTooOldForAgeGroup', target: 'childAgeGroupCheck', actions: 'saveAnswer' },
          { guard: 'isCorrecting', target: 'afterCorrection', actions: 'saveAnswer' },
          { target: 'childGender', actions: 'saveAnswer' },
        ],
      },
    },
    childAgeGroupCheck: {
      tags: 'awaitingUser',
      meta: meta('childAgeGroupCheck'),
      on: {
        'user.answered': [
          {
            guard: { type: 'answerIs', params: { field: 'childAgeGroupConfirmed', value: false } },
            target: 'childDateOfBirth',
            actions: 'saveAnswer',
          },
          { guard: 'isCorrecting', target: 'afterCorrection', actions: 'saveAnswer' },
          { target: 'childGender', actions: 'saveAnswer' },
        ],
      },
    },
    childGender: ask('childGender', 'medicalIssues'),
    medicalIssues: {
      tags: 'awaitingUser',
      meta: meta('medicalIssues'),
      on: {
        'user.answered': [
          { guard: 'hasSeriousCondition', target: 'medicalNotes', actions: 'saveAnswer' },
          { guard: 'isCorrecting', target: 'afterCorrection', actions: 'saveAnswer' },
          { target: 'playedLastSeason', actions: 'saveAnswer' },
        ],
      },
    },
    medicalNotes: ask('medicalNotes', 'playedLastSeason'),
    playedLastSeason: {
      tags: 'awaitingUser',
      meta: meta('playedLastSeason'),
      on: {
        'user.answered': [
          {
            guard: { type: 'answerIs', params: { field: 'playedLastSeason', value: false } },
            target: 'previousTeam',
            actions: 'saveAnswer',
          },
          { guard: 'isCorrecting', target: 'afterCorrection', actions: 'saveAnswer' },
          { target: 'relationship', actions: 'saveAnswer' },
        ],
      },
    },
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
    parentPostcode: {
      tags: 'awaitingUser',
      meta: meta('parentPostcode'),
      on: { 'user.answered': { target: 'parentHouseNumber', actions: 'saveAnswer' } },
    },
    parentHouseNumber: {
      tags: 'awaitingUser',
      meta: meta('parentHouseNumber'),
      on: { 'user.answered': { target: 'lookingUpParentAddress', actions: 'saveAnswer' } },
    },
    lookingUpParentAddress: lookUpAddress('parent'),
    parentAddressTyped: {
      tags: 'awaitingUser',
      meta: meta('parentAddressTyped'),
      on: { 'user.answered': { target: 'confirmParentAddress', actions: 'saveAnswer' } },
    },
    confirmParentAddress: askYesNo(
      'confirmParentAddress',
      'parentAddressConfirmed',
      'childLivesWithParent',
      'parentAddressTyped',
    ),
    childLivesWithParent: {
      tags: 'awaitingUser',
      meta: meta('childLivesWithParent'),
      on: {
        'user.answered': [
          {
            guard: { type: 'answerIs', params: { field: 'childLivesWithParent', value: false } },
            target: 'childPostcode',
            actions: 'saveAnswer',
          },
          { target: 'ageBranch', actions: 'saveAnswer' },
        ],
      },
    },
    childPostcode: {
      tags: 'awaitingUser',
      meta: meta('childPostcode'),
      on: { 'user.answered': { target: 'childHouseNumber', actions: 'saveAnswer' } },
    },
    childHouseNumber: {
      tags: 'awaitingUser',
      meta: meta('childHouseNumber'),
      on: { 'user.answered': { target: 'lookingUpChildAddress', actions: 'saveAnswer' } },
    },
    lookingUpChildAddress: lookUpAddress('child'),
    childAddressTyped: {
      tags: 'awaitingUser',
      meta: meta('childAddressTyped'),
      on: { 'user.answered': { target: 'confirmChildAddress', actions: 'saveAnswer' } },
    },
    confirmChildAddress: askYesNo(
      'confirmChildAddress',
      'childAddressConfirmed',
      'ageBranch',
      'childAddressTyped',
    ),
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
            guard: { type: 'answerIs', params: { field: 'detailsConfirmed', value: true } },
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
    paymentDay: askAfterSummary('paymentDay', 'savingRegistration'),
    savingRegistration: effect('saveRegistration', {
      'registration.saved': 'creatingPayment',
      'effect.failed': { target: 'paymentDay', actions: 'noteTryAgain' },
    }),
    creatingPayment: effect('createPayment', {
      'payment.created': 'sendingPaymentLink',
      'effect.failed': { target: 'paymentDay', actions: 'noteTryAgain' },
    }),
    sendingPaymentLink: effect('sendPaymentLink', {
      'sms.queued': 'paymentLinkReceived',
      'effect.failed': { target: 'paymentDay', actions: 'noteTryAgain' },
    }),
    paymentLinkReceived: {
      tags: 'awaitingUser',
      meta: meta('paymentLinkReceived'),
      on: {
        'user.answered': [
          {
            guard: { type: 'answerIs', params: { field: 'paymentLinkReceived', value: false } },
            target: 'checkingKit',
            actions: ['saveAnswer', 'noteLinkMissing'],
          },
          { target: 'checkingKit', actions: 'saveAnswer' },
        ],
      },
    },
    checkingKit: effect('checkKit', {
      'kit.checked': [{ guard: 'needsKit', target: 'kitSize' }, { target: 'photo' }],
      'effect.failed': 'kitSize',
    }),
    kitSize: askAfterSummary('kitSize', 'shirtNumber'),
    shirtNumber: askAfterSummary('shirtNumber', 'reservingShirtNumber'),
    reservingShirtNumber: effect('reserveShirtNumber', {
      'shirt.reserved': 'photo',
      'shirt.taken': { target: 'shirtNumber', actions: 'releaseShirtNumber' },
      'effect.failed': { target: 'shirtNumber', actions: 'noteTryAgain' },
    }),
    photo: {
      tags: 'awaitingUser',
      meta: meta('photo'),
      on: { 'user.uploadedPhoto': { target: 'savingPhoto', actions: 'rememberUpload' } },
    },
    savingPhoto: effect('savePhoto', {
      'photo.saved': { target: 'registered', actions: 'savePhotoLink' },
      'effect.failed': { target: 'photo', actions: 'noteTryAgain' },
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
  },
});
