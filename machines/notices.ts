import type { QuestionRoutineId } from '../routines/index.ts';
import type { CodeProblem } from '../routines/registration-code.ts';
import type { EffectId } from './setup.ts';
import type { Command } from './side-talk.ts';

/** Something the machine wants said this turn, before the current question. Plain data. */
export type Notice =
  | { kind: 'welcome'; team: string; ageGroup: string; sibling: boolean }
  | { kind: 'unclear'; reason: string; inARow: number }
  | { kind: 'answer'; text: string | null }
  | { kind: 'genericHelp' }
  | { kind: 'badCode'; problem: CodeProblem }
  | {
      kind: 'unknownTeam';
      team: string;
      ageGroup: string;
      /** A near-miss team of the club ("Lions U10") and the code that names it. */
      suggestion?: string;
      suggestedCode?: string;
    }
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
  | { kind: 'notChangedAfterSave'; routine: QuestionRoutineId }
  | { kind: 'help'; inRegistration: boolean }
  | { kind: 'nothingInProgress' }
  | { kind: 'stopped'; child: string | null }
  | { kind: 'startedAgain' }
  | { kind: 'savedAlready'; command: Command; child: string | null }
  /** How the parent can come back: from this chat, or elsewhere with the code and this secret. */
  | { kind: 'paused'; code: string | null; secret: 'mobile' | 'dateOfBirth' | null }
  /** A paused registration picked up again. */
  | { kind: 'carryingOn' };
