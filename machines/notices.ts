import type { QuestionRoutineId } from '../routines/index.ts';
import type { CodeProblem } from '../routines/registration-code.ts';
import type { EffectId } from './setup.ts';

/** Something the machine wants said this turn, before the current question. Plain data. */
export type Notice =
  | { kind: 'welcome'; team: string; ageGroup: string; sibling: boolean }
  | { kind: 'unclear'; reason: string; inARow: number }
  | { kind: 'answer'; text: string | null }
  | { kind: 'genericHelp' }
  | { kind: 'badCode'; problem: CodeProblem }
  | { kind: 'unknownTeam'; team: string; ageGroup: string }
  | { kind: 'codeCheckFailed' }
  | { kind: 'finishFirst' }
  | { kind: 'returningNotYet' }
  | { kind: 'welcomeBack'; team: string; ageGroup: string }
  | { kind: 'returningNotFound' }
  | { kind: 'identityMismatch' }
  | { kind: 'identityRefused' }
  | { kind: 'addressNotFound' }
  | { kind: 'shirtTaken'; number: number }
  | { kind: 'linkMissing' }
  | { kind: 'tryAgain' }
  | { kind: 'updated' }
  | { kind: 'correctAtSummary' }
  | { kind: 'whatToChange' }
  | { kind: 'photoNotYet' }
  | { kind: 'alreadyDone' }
  | { kind: 'restarted' }
  | { kind: 'alreadyRegistered'; child: string | null }
  | { kind: 'stoppedHere' }
  | { kind: 'takenOver'; child: string | null }
  | { kind: 'retryLater'; effect: EffectId }
  | { kind: 'handedOff'; child: string | null }
  | { kind: 'notChangedAfterSave'; routine: QuestionRoutineId };
