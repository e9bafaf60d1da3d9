import { correctableBy, type QuestionRoutineId } from '../../routines/index.ts';
import { answerIs, meta, type FlowPart } from './states.ts';

/** Routines a parent may go back to from the summary (28); each re-asks what depends on it. */
export const CORRECTABLE: readonly QuestionRoutineId[] = correctableBy('atSummary');

/** Routines a parent may name in a correction: the summary's, and those asked after the save. */
export const MENTIONABLE: readonly QuestionRoutineId[] = [
  ...new Set([...CORRECTABLE, ...correctableBy('afterSave'), ...correctableBy('midFlow')]),
];

/** The summary (28), shared by both intakes, and the way back to it after a correction. */
export const summaryPart = {
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
} satisfies FlowPart;
