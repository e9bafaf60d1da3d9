import type { Draft } from '../../routines/draft.ts';
import { routines, type QuestionRoutineId } from '../../routines/index.ts';
import { sessionSetup, type EffectId } from '../setup.ts';
import type { Command } from '../side-talk.ts';

/**
 * The building blocks every flow part is made of: a question state (`ask`, `step`), an effect
 * state (`effect`, `critical`) and the guards and failure handling they share.
 */

export const meta = (routine: QuestionRoutineId | 'ageBranch') => ({
  routine,
  number: routines[routine].number,
});

type YesNoField = { [K in keyof Draft]-?: Draft[K] extends boolean ? K : never }[keyof Draft];

/** A guard on the answer just given, e.g. "the parent said no". */
export const answerIs = (field: YesNoField, value: boolean) =>
  ({ type: 'answerIs', params: { field, value } }) as const;

/** A guard on the command the parent gave ("stop", "later", ...). */
export const commandIs = (command: Command) =>
  ({ type: 'commandIs', params: { command } }) as const;

type Guard =
  'isTooOldForAgeGroup' | 'hasSeriousCondition' | 'hasShirtNumber' | ReturnType<typeof answerIs>;
/** Where an answer goes instead of the usual next step, when its guard holds. */
export type Branch = { guard: Guard; target: string };

const answered = (branch: Branch | undefined, rest: { guard?: 'isCorrecting'; target: string }[]) =>
  [...(branch ? [branch] : []), ...rest].map((transition) => ({
    ...transition,
    actions: 'saveAnswer' as const,
  }));

/**
 * A routine state: shows its question; on a valid answer takes `branch` when its guard holds,
 * returns to the summary when the parent is correcting, and otherwise moves on to `next`.
 */
export const ask = (routine: QuestionRoutineId, next: string, branch?: Branch) =>
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
export const step = (routine: QuestionRoutineId, next: string, branch?: Branch) =>
  sessionSetup.createStateConfig({
    tags: 'awaitingUser',
    meta: meta(routine),
    on: { 'user.answered': answered(branch, [{ target: next }]) },
  });

/** An effect state: the turn runner runs `effect` through a port and sends its outcome. */
/** A flow part: states that sit side by side in the registration's compound state. */
export type FlowPart = NonNullable<Parameters<typeof sessionSetup.createStateConfig>[0]['states']>;

export type Transitions = NonNullable<Parameters<typeof sessionSetup.createStateConfig>[0]['on']>;

export const effect = (id: EffectId, on: Transitions) =>
  sessionSetup.createStateConfig({ tags: 'effect', meta: { effect: id }, on });

/**
 * Effects the flow cannot go on without. When one fails, a bug hands the parent to the club at
 * once; an unavailable service is tried again on the parent's next message, and handed to the club
 * after MAX_EFFECT_FAILURES in a row. Never an endless loop.
 */
export const RETRIED = {
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
export const critical = (id: keyof typeof RETRIED, on: Transitions) =>
  effect(id, { ...on, 'effect.failed': [...whenFailed] });

/** Another chat carried this registration on: this one stops, writing nothing more. */
export const takenOver = {
  target: '#session.generic',
  actions: ['noteTakenOver', 'clearFailure'],
} as const;

/** A failure of an effect with its own fallback: a bug still hands off at once. */
export const orFallBack = (
  fallback: string | { target: string; actions: 'noteAddressNotFound' },
) => [
  { guard: 'isBug' as const, target: 'handingOff', actions: 'handOff' as const },
  typeof fallback === 'string' ? { target: fallback } : fallback,
];
