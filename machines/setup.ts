import { assertEvent, assign, setup } from 'xstate';
import { identityOf, registrationIdOf } from '../routines/identity.ts';
import { needsOwnContact, isTooOldForAgeGroup } from '../routines/age.ts';
import type { ClubConfig, Team } from '../routines/club.ts';
import { MAX_ADDRESS_CHOICES, type Address, type Draft } from '../routines/draft.ts';
import { correctableBy, type QuestionRoutineId, type RoutineId } from '../routines/index.ts';
import { isSeriousCondition } from '../routines/parsers/medical.ts';
import type { CodeProblem, RegistrationCode } from '../routines/registration-code.ts';
import type { Notice } from './notices.ts';
import type { Command } from './side-talk.ts';
import { settleDraft, parentDetails } from './draft-rules.ts';
import { matchingCandidate, type HeldCandidate, type HeldRecord } from './held-record.ts';
import {
  HELD_SECTIONS,
  heldQuestionsAfter,
  type HeldQuestion,
  type HeldSection,
  type Returning,
} from './returning.ts';

export type EffectId =
  | 'findTeam'
  | 'findPrevious'
  | 'loadHeld'
  | 'claimRegistration'
  | 'takeOverRegistration'
  | 'lookUpParentAddress'
  | 'lookUpChildAddress'
  | 'saveRegistration'
  | 'createPayment'
  | 'sendPaymentLink'
  | 'checkKit'
  | 'reserveShirtNumber'
  | 'savePhoto'
  | 'updateRecord'
  | 'flagForClub';

/** Why an effect failed: the outside service was unavailable (retry later), or a bug (hand off now). */
export type FailureKind = 'unavailable' | 'bug';

/** Resting states after the save to which a correction of the stored record returns. */
export const RESUME_POINTS = [
  'paymentLinkReceived',
  'kitSize',
  'shirtNumber',
  'photo',
  'registered',
] as const;
export type ResumePoint = (typeof RESUME_POINTS)[number];

/** Failures of one effect in a row before the parent is handed to the club. */
export const MAX_EFFECT_FAILURES = 3;

export type Agent = 'generic' | 'new_registration' | 're_registration';

/** Read by the turn runner: which routine to show, which effect to run, which agent speaks. */
export type StateMeta = { routine?: RoutineId; number?: number; effect?: EffectId; agent?: Agent };

/** The club facts the guards need, fixed when the session starts. */
export type SessionSettings = Pick<ClubConfig, 'ownContactAgeGroup'> & {
  /** 31 August of the season's first year (FA age-group rule). */
  ageGroupCutoff: string;
};

export type SessionContext = {
  sessionId: string;
  settings: SessionSettings;
  /** A code waiting for its team to be checked. */
  pendingCode: RegistrationCode | null;
  code: RegistrationCode | null;
  team: Team | null;
  registrationCount: number;
  /**
   * Id of the registration in progress, from its key (season + child's name + date of birth):
   * one record per child per season, whatever the session. Null until the child is known.
   */
  registrationId: string | null;
  /** The record has been saved: a correction now updates the stored record (or is refused). */
  recordSaved: boolean;
  /** Another child of the same parent is registered this season: the monthly fee is discounted. */
  siblingRegistered?: boolean;
  /** The effect that failed last and how often in a row; the next message retries it. */
  failure: { effect: EffectId; count: number } | null;
  /** Where a correction of the stored record returns to. */
  resumeAt: ResumePoint | null;
  /** Set when the club must finish this registration with the parent. */
  handOff: { effect: EffectId; kind: FailureKind } | null;
  /** The last upload the flow took, so that a photo job run twice is applied once. */
  lastUploadId: string | null;
  draft: Partial<Draft>;
  /** The parent's details from the last registration, offered again for a sibling. */
  previousParent: Partial<Draft> | null;
  correcting: boolean;
  /** The parent said "later": the registration is kept until the club's retention, to be resumed. */
  paused?: boolean;
  unclearInARow: number;
  upload: { id: string } | null;
  notices: Notice[];
  /** Which journey the registration in progress is: a new player, or a returning one (100 code). */
  journey?: 'new' | 'returning' | null;
  /** A returning player's last-season record and how far its review has got. */
  returning?: Returning | null | undefined;
};

export type SessionInput = { sessionId: string; settings: SessionSettings };

export type SessionEvent =
  | { type: 'turn.started' }
  | { type: 'session.restarted' }
  | { type: 'user.answered'; answer: Partial<Draft> }
  | { type: 'user.unclear'; reason: string }
  | { type: 'user.asked'; answer: string | null }
  | { type: 'user.chatted' }
  /** "help", "stop", "later", "start again": the parent tells the chat what to do. */
  | { type: 'user.commanded'; command: Command }
  /** The parent is back after pausing (the same chat, or another one with the code and a secret). */
  | { type: 'session.resumed' }
  | { type: 'user.corrected'; routine: QuestionRoutineId; answer: Partial<Draft> | null }
  | { type: 'user.gaveCode'; code: RegistrationCode }
  | { type: 'user.gaveInvalidCode'; problem: CodeProblem }
  | { type: 'user.uploadedPhoto'; uploadId: string }
  | { type: 'team.found'; team: Team }
  /** With the club's team of a near-miss name ("Lion" → Lions), to offer it. */
  | { type: 'team.notFound'; suggestion?: { name: string; ageGroup: string } }
  /** Last season's records matching a returning player's code (several only for namesakes). */
  | { type: 'previous.found'; candidates: HeldCandidate[] }
  /** The record the family's answer matched, read again to be reviewed. */
  | { type: 'held.loaded'; held: HeldRecord }
  | { type: 'previous.notFound' }
  | { type: 'registration.claimed'; registrationId: string; sibling?: boolean }
  | { type: 'registration.elsewhere'; registrationId: string }
  | { type: 'registration.complete' }
  | { type: 'registration.takenOver' }
  | { type: 'record.updated' }
  | { type: 'club.flagged' }
  /** 1..n delivery addresses of the house; several are offered as a numbered list. */
  | { type: 'address.found'; addresses: Address[] }
  | { type: 'address.houseNotFound' }
  | { type: 'address.postcodeUnknown' }
  | { type: 'registration.saved' }
  | { type: 'payment.created' }
  | { type: 'sms.queued' }
  | { type: 'kit.checked'; needsNewKit: boolean }
  | { type: 'shirt.reserved' }
  | { type: 'shirt.taken' }
  | { type: 'photo.saved'; photoLink: string }
  | { type: 'effect.failed'; effect: EffectId; kind: FailureKind; reason: string };

/**
 * Fields a parent may fix mid-flow without anything else being asked again (each routine's
 * `corrections.midFlow`). Not the child's name or date of birth: they identify the registration.
 */
const SIMPLE_CORRECTIONS: ReadonlySet<QuestionRoutineId> = new Set(correctableBy('midFlow'));

/** Fields that can still change once the record is saved: each is written to the stored record. */
export const UPDATABLE_AFTER_SAVE: ReadonlySet<QuestionRoutineId> = new Set(
  correctableBy('afterSave'),
);

const note = (context: SessionContext, notice: Notice) => [...context.notices, notice];

type Who = 'parent' | 'child';

/** The draft fields of each side's address lookup. */
const ADDRESS_FIELDS = {
  parent: {
    address: 'parentAddress',
    choices: 'parentAddressChoices',
    choice: 'parentAddressChoice',
  },
  child: { address: 'childAddress', choices: 'childAddressChoices', choice: 'childAddressChoice' },
} as const satisfies Record<Who, Record<string, keyof Draft>>;

/** Where a corrected value is read from, and which field it replaces, per side and question. */
const RETRY_FIELDS = {
  parent: {
    house: { retry: 'parentHouseRetry', field: 'parentHouseNumber' },
    postcode: { retry: 'parentPostcodeRetry', field: 'parentPostcode' },
  },
  child: {
    house: { retry: 'childHouseRetry', field: 'childHouseNumber' },
    postcode: { retry: 'childPostcodeRetry', field: 'childPostcode' },
  },
} as const satisfies Record<Who, Record<'house' | 'postcode', Record<string, keyof Draft>>>;

/** The draft without a side's list of addresses and the number picked from it. */
function withoutChoices(draft: Partial<Draft>, who: Who): Partial<Draft> {
  const kept = { ...draft };
  delete kept[ADDRESS_FIELDS[who].choices];
  delete kept[ADDRESS_FIELDS[who].choice];
  return kept;
}

const sameText = (a: string, b: string) =>
  a.replace(/\s+/g, ' ').trim().toLowerCase() === b.replace(/\s+/g, ' ').trim().toLowerCase();
const childFirstName = (context: SessionContext) => context.draft.childFirstName ?? null;
const answerOf = (event: SessionEvent) => (event.type === 'user.answered' ? event.answer : {});
const ownContactNeeded = (context: SessionContext) =>
  context.team !== null &&
  needsOwnContact(context.team.ageGroup, context.settings.ownContactAgeGroup);

export const sessionSetup = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as SessionInput,
    meta: {} as StateMeta,
    tags: {} as 'awaitingUser' | 'effect' | 'finished',
  },
  actions: {
    clearNotices: assign({ notices: [] }),
    saveAnswer: assign(({ context, event }) => {
      assertEvent(event, 'user.answered');
      return { draft: settleDraft({ ...context.draft, ...event.answer }), unclearInARow: 0 };
    }),
    saveCorrection: assign(({ context, event }) => {
      assertEvent(event, 'user.corrected');
      const draft = settleDraft({ ...context.draft, ...event.answer });
      return { draft, notices: note(context, { kind: 'updated' }) };
    }),
    countUnclear: assign(({ context, event }) => {
      assertEvent(event, 'user.unclear');
      const inARow = context.unclearInARow + 1;
      return {
        unclearInARow: inARow,
        notices: note(context, { kind: 'unclear', reason: event.reason, inARow }),
      };
    }),
    noteAnswer: assign(({ context, event }) => {
      assertEvent(event, 'user.asked');
      return { notices: note(context, { kind: 'answer', text: event.answer }) };
    }),
    noteGenericHelp: assign(({ context }) => ({ notices: note(context, { kind: 'genericHelp' }) })),
    rememberCode: assign(({ event }) => {
      assertEvent(event, 'user.gaveCode');
      return { pendingCode: event.code };
    }),
    noteBadCode: assign(({ context, event }) => {
      assertEvent(event, 'user.gaveInvalidCode');
      return { notices: note(context, { kind: 'badCode', problem: event.problem }) };
    }),
    noteUnknownTeam: assign(({ context, event }) => {
      assertEvent(event, 'team.notFound');
      const code = context.pendingCode;
      const near = event.suggestion;
      return {
        pendingCode: null,
        notices: note(context, {
          kind: 'unknownTeam',
          team: code?.team ?? '',
          ageGroup: code?.ageGroup ?? '',
          ...(near && code
            ? {
                suggestion: `${near.name} ${near.ageGroup}`,
                suggestedCode: [
                  code.kind === 'new' ? '200' : '100',
                  near.name,
                  near.ageGroup,
                  code.season,
                ]
                  .concat(code.player ? [code.player.firstName, code.player.lastName] : [])
                  .join('-'),
              }
            : {}),
        }),
      };
    }),
    noteCodeCheckFailed: assign(({ context }) => ({
      pendingCode: null,
      notices: note(context, { kind: 'codeCheckFailed' }),
    })),
    noteFinishFirst: assign(({ context }) => ({ notices: note(context, { kind: 'finishFirst' }) })),
    noteReturningNotYet: assign(({ context }) => ({
      notices: note(context, { kind: 'returningNotYet' }),
    })),
    startRegistration: assign(({ context, event }) => {
      assertEvent(event, 'team.found');
      const registrationCount = context.registrationCount + 1;
      const sibling = context.previousParent !== null;
      const returning = context.pendingCode?.kind === 'returning';
      return {
        journey: returning ? ('returning' as const) : ('new' as const),
        returning: null,
        code: context.pendingCode,
        pendingCode: null,
        team: event.team,
        registrationCount,
        registrationId: null,
        recordSaved: false,
        failure: null,
        resumeAt: null,
        handOff: null,
        draft: {},
        correcting: false,
        unclearInARow: 0,
        upload: null,
        notices: note(
          context,
          returning
            ? { kind: 'welcomeBack', team: event.team.name, ageGroup: event.team.ageGroup }
            : { kind: 'welcome', team: event.team.name, ageGroup: event.team.ageGroup, sibling },
        ),
      };
    }),
    rememberCandidates: assign(({ event }) => {
      assertEvent(event, 'previous.found');
      return {
        returning: {
          candidates: event.candidates,
          tries: 0,
          previous: null,
          sections: [],
          toAsk: [],
        },
      };
    }),
    /** Nothing found: said plainly, nothing kept, and the code's team offered for a new player. */
    noteReturningNotFound: assign(({ context }) => ({
      returning: null,
      pendingCode: context.code,
      notices: note(context, { kind: 'returningNotFound' }),
    })),
    /** The family's answer matches: that record is read again; the other candidates are dropped. */
    matchCandidate: assign(({ context, event }) => {
      assertEvent(event, 'user.answered');
      const candidates = context.returning?.candidates ?? [];
      const matched = matchingCandidate(candidates, event.answer.identityCheck);
      if (!matched || !context.returning) return {};
      const { registrationId, season } = matched;
      return {
        unclearInARow: 0,
        returning: { ...context.returning, candidates: [], previous: { registrationId, season } },
      };
    }),
    /** The matched record becomes the draft, to review section by section. */
    acceptHeld: assign(({ event }) => {
      assertEvent(event, 'held.loaded');
      const { draft, registrationId, season, shirtNumber, photoLink } = event.held;
      return {
        draft: {
          ...draft,
          ...(shirtNumber === undefined ? {} : { shirtNumber }),
          ...(photoLink === undefined ? {} : { photoLink }),
        },
        unclearInARow: 0,
        returning: {
          candidates: [],
          tries: 0,
          previous: { registrationId, season },
          sections: [...HELD_SECTIONS],
          toAsk: [],
        },
      };
    }),
    countMismatch: assign(({ context }) => ({
      returning: context.returning && { ...context.returning, tries: context.returning.tries + 1 },
      notices: note(context, { kind: 'identityMismatch' }),
    })),
    /** Two wrong answers: the held record is forgotten and the club's contact given, nothing else. */
    refuseIdentity: assign(({ context }) => ({
      returning: null,
      journey: null,
      draft: {},
      code: null,
      team: null,
      notices: note(context, { kind: 'identityRefused' }),
    })),
    /** A section of the held record reviewed: what changed is queued to be asked again. */
    reviewSection: assign(({ context, event }, params: { section: HeldSection }) => {
      assertEvent(event, 'user.answered');
      const returning = context.returning;
      if (!returning) return {};
      const toAsk = heldQuestionsAfter(params.section, event.answer);
      const draft = settleDraft({ ...context.draft, ...event.answer });
      if (toAsk.includes('medicalIssues')) {
        delete draft.medicalIssues;
        delete draft.medicalNotes;
      }
      return {
        draft,
        unclearInARow: 0,
        returning: {
          ...returning,
          sections: returning.sections.filter((section) => section !== params.section),
          toAsk: [...returning.toAsk, ...toAsk],
        },
      };
    }),
    askHeld: assign(({ context }) => ({
      correcting: true,
      returning: context.returning && {
        ...context.returning,
        toAsk: context.returning.toAsk.slice(1),
      },
    })),
    finishReview: assign(({ context }) => ({
      correcting: false,
      returning: context.returning && { ...context.returning, sections: [], toAsk: [] },
    })),
    rememberCodeAsNew: assign(({ context }) => {
      const code = context.pendingCode?.kind === 'returning' ? context.pendingCode : context.code;
      return {
        pendingCode: code && {
          ...code,
          kind: 'new' as const,
          player: null,
          raw: `200-${code.team}-${code.ageGroup}-${code.season}`,
        },
      };
    }),
    noteNotRegisteringNew: assign(({ context }) => ({
      pendingCode: null,
      notices: note(context, { kind: 'stoppedHere' }),
    })),
    setRegistration: assign(({ event }) => {
      assertEvent(event, ['registration.claimed', 'registration.elsewhere']);
      return event.type === 'registration.claimed'
        ? { registrationId: event.registrationId, siblingRegistered: event.sibling === true }
        : { registrationId: event.registrationId };
    }),
    noteAlreadyRegistered: assign(({ context }) => ({
      notices: note(context, { kind: 'alreadyRegistered', child: childFirstName(context) }),
    })),
    noteStoppedHere: assign(({ context }) => ({
      notices: note(context, { kind: 'stoppedHere' }),
    })),
    noteTakenOver: assign(({ context }) => ({
      notices: note(context, { kind: 'takenOver', child: childFirstName(context) }),
    })),
    markSaved: assign({ recordSaved: true }),
    clearFailure: assign({ failure: null }),
    countFailure: assign(({ context, event }) => {
      assertEvent(event, 'effect.failed');
      const count = context.failure?.effect === event.effect ? context.failure.count + 1 : 1;
      return {
        failure: { effect: event.effect, count },
        notices: note(context, { kind: 'retryLater', effect: event.effect }),
      };
    }),
    handOff: assign(({ event }) => {
      assertEvent(event, 'effect.failed');
      return { handOff: { effect: event.effect, kind: event.kind }, failure: null };
    }),
    noteHandedOff: assign(({ context }) => ({
      notices: note(context, { kind: 'handedOff', child: childFirstName(context) }),
    })),
    saveQuietCorrection: assign(({ context, event }) => {
      assertEvent(event, 'user.corrected');
      return { draft: settleDraft({ ...context.draft, ...event.answer }) };
    }),
    rememberResumePoint: assign((_, params: { at: ResumePoint }) => ({ resumeAt: params.at })),
    noteUpdated: assign(({ context }) => ({ notices: note(context, { kind: 'updated' }) })),
    forgetResumePoint: assign({ resumeAt: null }),
    noteNotChangedAfterSave: assign(({ context, event }) => {
      assertEvent(event, 'user.corrected');
      return { notices: note(context, { kind: 'notChangedAfterSave', routine: event.routine }) };
    }),
    rememberParent: assign(({ context }) => ({ previousParent: parentDetails(context.draft) })),
    reuseParent: assign(({ context }) => ({
      draft: { ...context.draft, ...(context.previousParent ?? {}) },
    })),
    saveAddress: assign(({ context, event }, params: { who: Who }) => {
      assertEvent(event, 'address.found');
      const draft = withoutChoices(context.draft, params.who);
      return { draft: { ...draft, [ADDRESS_FIELDS[params.who].address]: event.addresses[0] } };
    }),
    offerAddresses: assign(({ context, event }, params: { who: Who }) => {
      assertEvent(event, 'address.found');
      const { choices } = ADDRESS_FIELDS[params.who];
      const offered = event.addresses.slice(0, MAX_ADDRESS_CHOICES);
      return { draft: { ...context.draft, [choices]: offered } };
    }),
    /** The address picked from the list becomes the address to confirm; the list is dropped. */
    pickAddress: assign(({ context, event }, params: { who: Who }) => {
      assertEvent(event, 'user.answered');
      const { address, choices, choice } = ADDRESS_FIELDS[params.who];
      const picked = context.draft[choices]?.[(event.answer[choice] ?? 0) - 1];
      const draft = withoutChoices(context.draft, params.who);
      return { draft: picked ? { ...draft, [address]: picked } : draft, unclearInARow: 0 };
    }),
    dropAddressChoices: assign(({ context }, params: { who: Who }) => ({
      draft: withoutChoices(context.draft, params.who),
      unclearInARow: 0,
    })),
    /** A corrected house number or postcode replaces the one the lookup could not find. */
    retryLookup: assign(({ context, event }, params: { who: Who; what: 'house' | 'postcode' }) => {
      assertEvent(event, 'user.answered');
      const { retry, field } = RETRY_FIELDS[params.who][params.what];
      const value = event.answer[retry];
      return {
        draft: typeof value === 'string' ? { ...context.draft, [field]: value } : context.draft,
        unclearInARow: 0,
      };
    }),
    noteAddressNotFound: assign(({ context }) => ({
      notices: note(context, { kind: 'addressNotFound' }),
    })),
    startCorrecting: assign({ correcting: true }),
    finishCorrecting: assign(({ context }) => ({
      correcting: false,
      notices: note(context, { kind: 'updated' }),
    })),
    noteWhatToChange: assign(({ context }) => ({
      notices: note(context, { kind: 'whatToChange' }),
    })),
    noteCorrectAtSummary: assign(({ context }) => ({
      notices: note(context, { kind: 'correctAtSummary' }),
    })),
    noteLinkMissing: assign(({ context }) => ({ notices: note(context, { kind: 'linkMissing' }) })),
    noteTryAgain: assign(({ context }) => ({ notices: note(context, { kind: 'tryAgain' }) })),
    releaseShirtNumber: assign(({ context }) => {
      const { shirtNumber: taken, ...draft } = context.draft;
      return { draft, notices: note(context, { kind: 'shirtTaken', number: taken ?? 0 }) };
    }),
    rememberUpload: assign(({ event }) => {
      assertEvent(event, 'user.uploadedPhoto');
      return { upload: { id: event.uploadId } };
    }),
    savePhotoLink: assign(({ context, event }) => {
      assertEvent(event, 'photo.saved');
      return {
        draft: { ...context.draft, photoLink: event.photoLink },
        lastUploadId: context.upload?.id ?? null,
        upload: null,
      };
    }),
    notePhotoNotYet: assign(({ context }) => ({ notices: note(context, { kind: 'photoNotYet' }) })),
    noteRestarted: assign(({ context }) => ({ notices: note(context, { kind: 'restarted' }) })),
    noteAlreadyDone: assign(({ context }) => ({ notices: note(context, { kind: 'alreadyDone' }) })),
    noteHelp: assign(({ context }) => ({
      notices: note(context, { kind: 'help', inRegistration: context.team !== null }),
    })),
    noteNothingInProgress: assign(({ context }) => ({
      notices: note(context, { kind: 'nothingInProgress' }),
    })),
    /** "stop" before the save: the answers are dropped and nothing was saved or charged. */
    stopRegistration: assign(({ context }) => ({
      draft: {},
      code: null,
      team: null,
      registrationId: null,
      correcting: false,
      paused: false,
      unclearInARow: 0,
      notices: note(context, { kind: 'stopped', child: childFirstName(context) }),
    })),
    /** "start again": the same code and team, every answer asked again from the first question. */
    restartRegistration: assign(({ context }) => ({
      draft: {},
      registrationId: null,
      correcting: false,
      paused: false,
      unclearInARow: 0,
      notices: note(context, { kind: 'startedAgain' }),
    })),
    noteSavedAlready: assign(({ context, event }) => {
      assertEvent(event, 'user.commanded');
      return {
        notices: note(context, {
          kind: 'savedAlready',
          command: event.command,
          child: childFirstName(context),
        }),
      };
    }),
    /** "later": everything is kept; how to come back depends on what the parent has told us. */
    pause: assign(({ context }) => ({
      paused: true,
      notices: note(context, {
        kind: 'paused',
        code: context.code?.raw ?? null,
        secret: context.draft.parentMobile
          ? 'mobile'
          : context.draft.childDateOfBirth
            ? 'dateOfBirth'
            : null,
      }),
    })),
    resume: assign(({ context }) => ({
      paused: false,
      notices: context.paused ? note(context, { kind: 'carryingOn' }) : context.notices,
    })),
  },
  guards: {
    commandIs: ({ event }, params: { command: Command }) =>
      event.type === 'user.commanded' && event.command === params.command,
    isReturningCode: ({ context }) => context.pendingCode?.kind === 'returning',
    hasPreviousParent: ({ context }) => context.previousParent !== null,
    isReturning: ({ context }) => context.journey === 'returning',
    identityMatches: ({ context, event }) =>
      matchingCandidate(context.returning?.candidates ?? [], answerOf(event).identityCheck) !==
      undefined,
    /** The second wrong answer: a mismatch gets two tries in all. */
    identityFailedTwice: ({ context }) => (context.returning?.tries ?? 0) + 1 >= 2,
    isReviewingHeld: ({ context: { returning } }) =>
      !!returning &&
      returning.previous !== null &&
      (returning.sections.length > 0 || returning.toAsk.length > 0),
    nextHeldIs: ({ context }, params: { routine: HeldQuestion }) =>
      context.returning?.toAsk[0] === params.routine,
    sectionPending: ({ context }, params: { section: HeldSection }) =>
      context.returning?.sections[0] === params.section,
    hasShirtNumber: ({ context }) => context.draft.shirtNumber !== undefined,
    needsPhoto: ({ context }) => !context.draft.photoLink,
    isCorrecting: ({ context }) => context.correcting,
    answerIs: ({ event }, params: { field: keyof Draft; value: boolean }) =>
      answerOf(event)[params.field] === params.value,
    isTooOldForAgeGroup: ({ context, event }) => {
      const dateOfBirth = answerOf(event).childDateOfBirth;
      return (
        dateOfBirth !== undefined &&
        context.team !== null &&
        isTooOldForAgeGroup(dateOfBirth, context.team.ageGroup, context.settings.ageGroupCutoff)
      );
    },
    hasSeriousCondition: ({ event }) => {
      const { hasMedicalIssues, medicalIssues } = answerOf(event);
      return hasMedicalIssues === true && isSeriousCondition(medicalIssues ?? '');
    },
    needsOwnContact: ({ context }) => ownContactNeeded(context),
    // An explicit "none" (playerHasNoMobile/-Email) is an answer: the club goes through the parent.
    playerMobileNeeded: ({ context }) =>
      ownContactNeeded(context) &&
      context.draft.playerHasNoMobile !== true &&
      (!context.draft.playerMobile || context.draft.playerMobile === context.draft.parentMobile),
    playerEmailNeeded: ({ context }) =>
      ownContactNeeded(context) &&
      context.draft.playerHasNoEmail !== true &&
      (!context.draft.playerEmail || context.draft.playerEmail === context.draft.parentEmail),
    reusesParentDetails: ({ context }) => context.draft.reuseParentDetails === true,
    needsKit: ({ context, event }) =>
      event.type === 'kit.checked' &&
      (event.needsNewKit || context.draft.playedLastSeason === false),
    isCorrectionOf: ({ event }, params: { routine: QuestionRoutineId }) =>
      event.type === 'user.corrected' && event.routine === params.routine,
    isSimpleCorrection: ({ context, event }) =>
      !context.recordSaved &&
      event.type === 'user.corrected' &&
      event.answer !== null &&
      SIMPLE_CORRECTIONS.has(event.routine),
    isUpdateAfterSave: ({ context, event }) =>
      context.recordSaved &&
      event.type === 'user.corrected' &&
      event.answer !== null &&
      UPDATABLE_AFTER_SAVE.has(event.routine),
    isRefusedAfterSave: ({ context, event }) =>
      context.recordSaved &&
      event.type === 'user.corrected' &&
      !UPDATABLE_AFTER_SAVE.has(event.routine),
    hasSavedRecord: ({ context }) => context.recordSaved,
    resumesAt: ({ context }, params: { at: ResumePoint }) => context.resumeAt === params.at,
    severalAddresses: ({ event }) => event.type === 'address.found' && event.addresses.length > 1,
    /** The parent picked an address that is on the list (not "none of these"). */
    pickedListedAddress: ({ context, event }, params: { who: Who }) => {
      if (event.type !== 'user.answered') return false;
      const { choices, choice } = ADDRESS_FIELDS[params.who];
      const picked = event.answer[choice] ?? 0;
      return picked >= 1 && picked <= (context.draft[choices]?.length ?? 0);
    },
    /** A corrected value that differs from the one not found; the same one again means "type it". */
    givesNewValue: ({ context, event }, params: { who: Who; what: 'house' | 'postcode' }) => {
      if (event.type !== 'user.answered') return false;
      const { retry, field } = RETRY_FIELDS[params.who][params.what];
      const value = event.answer[retry];
      return typeof value === 'string' && !sameText(value, context.draft[field] ?? '');
    },
    isBug: ({ event }) => event.type === 'effect.failed' && event.kind === 'bug',
    failedTooOften: ({ context, event }) =>
      event.type === 'effect.failed' &&
      context.failure?.effect === event.effect &&
      context.failure.count + 1 >= MAX_EFFECT_FAILURES,
    retries: ({ context }, params: { effect: EffectId }) =>
      context.failure?.effect === params.effect,
    identityMoved: ({ context }) => {
      const identity = context.code ? identityOf(context.code.season, context.draft) : null;
      return identity !== null && registrationIdOf(identity) !== context.registrationId;
    },
  },
});
