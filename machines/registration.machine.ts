import type { Draft } from '../routines/draft.ts';
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

type YesNoField = { [K in keyof Draft]-?: Draft[K] extends boolean ? K : never }[keyof Draft];

/** A guard on the answer just given, e.g. "the parent said no". */
const answerIs = (field: YesNoField, value: boolean) =>
  ({ type: 'answerIs', params: { field, value } }) as const;

type Guard = 'isTooOldForAgeGroup' | 'hasSeriousCondition' | ReturnType<typeof answerIs>;
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
    childDateOfBirth: ask('childDateOfBirth', 'childGender', {
      guard: 'isTooOldForAgeGroup',
      target: 'childAgeGroupCheck',
    }),
    childAgeGroupCheck: ask('childAgeGroupCheck', 'childGender', {
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
    parentPostcode: step('parentPostcode', 'parentHouseNumber'),
    parentHouseNumber: step('parentHouseNumber', 'lookingUpParentAddress'),
    lookingUpParentAddress: lookUpAddress('parent'),
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
            guard: answerIs('paymentLinkReceived', false),
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
    kitSize: step('kitSize', 'shirtNumber'),
    shirtNumber: step('shirtNumber', 'reservingShirtNumber'),
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
