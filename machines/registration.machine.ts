import { and, not, stateIn } from 'xstate';
import { RESUME_POINTS, sessionSetup } from './setup.ts';
import { claimPart } from './flows/claim.ts';
import { failurePart } from './flows/failures.ts';
import { finishingPart } from './flows/finishing.ts';
import { newPlayerIntake } from './flows/new-player-intake.ts';
import { returningIntake } from './flows/returning-intake.ts';
import { commandIs } from './flows/states.ts';
import { summaryPart } from './flows/summary.ts';

export { CORRECTABLE, MENTIONABLE } from './flows/summary.ts';

/**
 * A registration, from the code to done, composed of flow parts (machines/flows/, one file each):
 * an intake (new player, or returning player), the claim of the child's one registration, the
 * summary, the shared finishing part, and the fallbacks when an effect fails. The states of all
 * parts sit side by side in one compound state, so a correction or a retry can reach any of them.
 */
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
    ...newPlayerIntake,
    ...returningIntake,
    ...claimPart,
    ...summaryPart,
    ...finishingPart,
    ...failurePart,
  },
});
