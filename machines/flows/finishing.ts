import { RESUME_POINTS } from '../setup.ts';
import {
  answerIs,
  critical,
  effect,
  meta,
  orFallBack,
  step,
  takenOver,
  type FlowPart,
} from './states.ts';

/**
 * The shared finishing part, after the summary (routines 29-35): payment day, the record saved,
 * the payment and its link, kit, shirt number, photo, done; and a correction after the save,
 * written to the stored record before the parent is back where they were.
 */
export const finishingPart = {
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
} satisfies FlowPart;
