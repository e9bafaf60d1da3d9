import { registrationFlow } from './registration.machine.ts';
import { sessionSetup } from './setup.ts';

/** Bump, with a snapshot fixture and a migration, whenever a stored snapshot would no longer fit. */
export const SESSION_MACHINE_VERSION = '2';

/** One chat session: the agent switch between generic help, a new player and a returning player. */
export const sessionMachine = sessionSetup.createMachine({
  id: 'session',
  version: SESSION_MACHINE_VERSION,
  context: ({ input }) => ({
    sessionId: input.sessionId,
    settings: input.settings,
    pendingCode: null,
    code: null,
    team: null,
    registrationCount: 0,
    registrationId: null,
    recordSaved: false,
    failure: null,
    resumeAt: null,
    handOff: null,
    lastUploadId: null,
    draft: {},
    previousParent: null,
    correcting: false,
    unclearInARow: 0,
    upload: null,
    notices: [],
  }),
  initial: 'generic',
  on: {
    'turn.started': { actions: 'clearNotices' },
    'session.restarted': { actions: 'noteRestarted' },
    'user.asked': { actions: 'noteAnswer' },
    'user.unclear': { actions: 'countUnclear' },
    'user.gaveInvalidCode': { actions: 'noteBadCode' },
    'user.commanded': [
      { guard: { type: 'commandIs', params: { command: 'help' as const } }, actions: 'noteHelp' },
      { actions: 'noteNothingInProgress' },
    ],
    'session.resumed': { actions: 'resume' },
  },
  states: {
    generic: {
      tags: 'awaitingUser',
      meta: { agent: 'generic' },
      on: {
        'user.gaveCode': { target: 'checkingCode', actions: 'rememberCode' },
        'user.chatted': { actions: 'noteGenericHelp' },
        'user.uploadedPhoto': { actions: 'noteGenericHelp' },
      },
    },
    /** Is the code's team one of the club's teams for that age group this season? */
    checkingCode: {
      tags: 'effect',
      meta: { effect: 'findTeam' },
      on: {
        'team.found': { target: 'newRegistration' },
        'team.notFound': { target: 'generic', actions: 'noteUnknownTeam' },
        'effect.failed': { target: 'generic', actions: 'noteCodeCheckFailed' },
      },
    },
    /** A registration, new or returning (the session's `journey` says which agent speaks). */
    newRegistration: { meta: { agent: 'new_registration' }, ...registrationFlow },
    /**
     * A returning player the club has no record of: said plainly, and the code's team offered for
     * a new-player registration, without saying whether any other child is on file.
     */
    returningPlayer: {
      tags: 'awaitingUser',
      meta: { agent: 're_registration', routine: 'registerAsNew', number: 105 },
      on: {
        'user.gaveCode': { target: 'checkingCode', actions: 'rememberCode' },
        'user.answered': [
          {
            guard: { type: 'answerIs', params: { field: 'registerAsNew', value: true } },
            target: 'checkingCode',
            actions: 'rememberCodeAsNew',
          },
          { target: 'generic', actions: 'noteNotRegisteringNew' },
        ],
      },
    },
  },
});
