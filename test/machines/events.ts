import type { SnapshotFrom } from 'xstate';
import { whereIs } from '../../machines/chat-service.ts';
import type { sessionMachine } from '../../machines/session.machine.ts';
import { RESUME_POINTS, type EffectId, type SessionEvent } from '../../machines/setup.ts';
import type { Draft } from '../../routines/draft.ts';
import { identityOf, registrationIdOf } from '../../routines/identity.ts';
import { routines, type QuestionRoutineId } from '../../routines/index.ts';
import type { RegistrationCode } from '../../routines/registration-code.ts';
import { candidateOf, type HeldRecord } from '../../machines/held-record.ts';

type Snapshot = SnapshotFrom<typeof sessionMachine>;

const code = (kind: 'new' | 'returning', team: string, ageGroup: string): RegistrationCode => ({
  kind,
  team,
  ageGroup,
  season: '2526',
  player: kind === 'returning' ? { firstName: 'Jack', lastName: 'Smith' } : null,
  raw: `${kind === 'new' ? '200' : '100'}-${team}-${ageGroup}-2526${kind === 'returning' ? '-Jack-Smith' : ''}`,
});

/** Codes the graph tries: a young team, an own-contact team, a returning player. */
export const CODES = {
  lions: code('new', 'Lions', 'U10'),
  panthers: code('new', 'Panthers', 'U16'),
  returning: code('returning', 'Tigers', 'U13'),
  returningOwnContact: code('returning', 'Panthers', 'U16'),
};

/** Last season's record of the returning player (Jack Smith), as findPrevious reads it. */
const HELD_DRAFT: Partial<Draft> = {
  parentFirstName: 'Sarah',
  parentLastName: 'Smith',
  childFirstName: 'Jack',
  childLastName: 'Smith',
  childDateOfBirth: '2012-05-01',
  childGender: 'Male',
  hasMedicalIssues: false,
  medicalIssues: null,
  medicalNotes: null,
  playedLastSeason: true,
  previousTeam: null,
  relationship: 'Mother',
  // The verifyIdentity examples: 07700 900101 matches, 14/03/2017 does not.
  parentMobile: '07700900101',
  parentEmail: 'sarah@example.com',
  communicationConsent: true,
  parentDateOfBirth: '1985-07-14',
  parentAddress: {
    houseNumber: '12',
    line1: '12 Sandy Lane',
    town: 'Stretford',
    city: 'Manchester',
    postcode: 'M32 8JL',
  },
  childLivesWithParent: true,
};

/** Two held records: a shirt number and no photo; a recent photo, no shirt, the player's mobile. */
const HELD: HeldRecord[] = [
  { registrationId: 'reg-held-a', season: '2425', draft: HELD_DRAFT, shirtNumber: 7 },
  {
    registrationId: 'reg-held-b',
    season: '2425',
    draft: { ...HELD_DRAFT, playerMobile: '07700900555' },
    photoLink: 'photos/held.jpg',
  },
];

const ADDRESS = {
  houseNumber: '12',
  line1: '12 Sandy Lane',
  town: 'Stretford',
  city: 'Manchester',
  postcode: 'M32 8JL',
};

/** Three flats of one house: the list the parent picks from (the examples pick 1, 2, 3 or none). */
const FLATS = [1, 2, 3].map((flat) => ({
  ...ADDRESS,
  houseNumber: `Flat ${flat}, 12`,
  line1: `Flat ${flat}, 12 Sandy Lane`,
}));

/** Every outcome of an address lookup: one address, a list, not in the postcode, unknown, failed. */
const lookUpOutcomes = (effect: 'lookUpParentAddress' | 'lookUpChildAddress'): SessionEvent[] => [
  { type: 'address.found', addresses: [ADDRESS] },
  { type: 'address.found', addresses: FLATS },
  { type: 'address.houseNotFound' },
  { type: 'address.postcodeUnknown' },
  ...failures(effect),
];

/** Answers beyond the routines' own examples that reach the branches examples cannot. */
const EXTRA_ANSWERS: Partial<Record<QuestionRoutineId, Partial<Draft>[]>> = {
  childDateOfBirth: [{ childDateOfBirth: '2008-01-01' }],
  playerMobile: [{ playerMobile: '07700900123' }],
  playerEmail: [{ playerEmail: 'sarah.jones@example.com' }],
};

/** Corrections offered at the summary: one with a value, one that re-asks a chain, one that changes the branch. */
const CORRECTIONS: SessionEvent[] = [
  { type: 'user.corrected', routine: 'parentEmail', answer: { parentEmail: 'new@example.com' } },
  { type: 'user.corrected', routine: 'parentPostcode', answer: null },
  { type: 'user.corrected', routine: 'childLivesWithParent', answer: null },
  { type: 'user.corrected', routine: 'childDateOfBirth', answer: null },
  { type: 'user.corrected', routine: 'medicalIssues', answer: null },
  { type: 'user.corrected', routine: 'playedLastSeason', answer: null },
  { type: 'user.corrected', routine: 'parentMobile', answer: null },
  ...(
    [
      'parentName',
      'childName',
      'childGender',
      'relationship',
      'parentEmail',
      'communicationConsent',
      'parentDateOfBirth',
      'parentAddressTyped',
      'childPostcode',
      'childAddressTyped',
      'playerMobile',
      'playerEmail',
    ] as const
  ).map((routine): SessionEvent => ({ type: 'user.corrected', routine, answer: null })),
];

/** Corrections after the save: one written to the record, one refused, one with no value. */
const AFTER_SAVE: SessionEvent[] = [
  { type: 'user.corrected', routine: 'parentEmail', answer: { parentEmail: 'new@example.com' } },
  { type: 'user.corrected', routine: 'paymentDay', answer: { paymentDay: 20 } },
  { type: 'user.corrected', routine: 'parentPostcode', answer: null },
  { type: 'user.corrected', routine: 'parentEmail', answer: null },
];

const registrationIdIn = ({ context }: Snapshot) => {
  const identity = context.code ? identityOf(context.code.season, context.draft) : null;
  return identity ? registrationIdOf(identity) : 'reg-none';
};

/** Both ways an effect can fail: its service unavailable, or a bug. */
const failures = (effect: EffectId): SessionEvent[] => [
  { type: 'effect.failed', effect, kind: 'unavailable', reason: 'down' },
  { type: 'effect.failed', effect, kind: 'bug', reason: 'TypeError' },
];

const OUTCOMES: Record<EffectId, (snapshot: Snapshot) => SessionEvent[]> = {
  claimRegistration: (snapshot) => [
    { type: 'registration.claimed', registrationId: registrationIdIn(snapshot) },
    { type: 'registration.elsewhere', registrationId: registrationIdIn(snapshot) },
    { type: 'registration.complete' },
    ...failures('claimRegistration'),
  ],
  takeOverRegistration: (snapshot) => [
    { type: 'registration.claimed', registrationId: registrationIdIn(snapshot) },
    { type: 'registration.complete' },
    ...failures('takeOverRegistration'),
  ],
  updateRecord: () => [
    { type: 'record.updated' },
    { type: 'registration.takenOver' },
    ...failures('updateRecord'),
  ],
  flagForClub: () => [{ type: 'club.flagged' }, ...failures('flagForClub')],
  findPrevious: () => [
    ...HELD.map((held): SessionEvent => ({
      type: 'previous.found',
      candidates: [candidateOf(held)],
    })),
    { type: 'previous.notFound' },
    ...failures('findPrevious'),
  ],
  loadHeld: ({ context }) => [
    ...HELD.filter(
      (held) => held.registrationId === context.returning?.previous?.registrationId,
    ).map((held): SessionEvent => ({ type: 'held.loaded', held })),
    { type: 'previous.notFound' },
    ...failures('loadHeld'),
  ],
  findTeam: ({ context }) => [
    ...(context.pendingCode
      ? [
          {
            type: 'team.found' as const,
            team: {
              name: context.pendingCode.team,
              ageGroup: context.pendingCode.ageGroup,
              needsNewKit: true,
            },
          },
        ]
      : []),
    { type: 'team.notFound' },
    ...failures('findTeam'),
  ],
  lookUpParentAddress: () => lookUpOutcomes('lookUpParentAddress'),
  lookUpChildAddress: () => lookUpOutcomes('lookUpChildAddress'),
  saveRegistration: () => [
    { type: 'registration.saved' },
    { type: 'registration.takenOver' },
    { type: 'registration.complete' },
    ...failures('saveRegistration'),
  ],
  createPayment: () => [{ type: 'payment.created' }, ...failures('createPayment')],
  sendPaymentLink: () => [{ type: 'sms.queued' }, ...failures('sendPaymentLink')],
  checkKit: () => [
    { type: 'kit.checked', needsNewKit: true },
    { type: 'kit.checked', needsNewKit: false },
    ...failures('checkKit'),
  ],
  reserveShirtNumber: () => [
    { type: 'shirt.reserved' },
    { type: 'registration.takenOver' },
    { type: 'shirt.taken' },
    ...failures('reserveShirtNumber'),
  ],
  savePhoto: () => [
    { type: 'photo.saved', photoLink: 'photos/x.jpg' },
    { type: 'registration.takenOver' },
    ...failures('savePhoto'),
  ],
};

const SIDE_EVENTS: SessionEvent[] = [
  { type: 'user.asked', answer: 'It costs £45.' },
  { type: 'user.unclear', reason: 'Sorry?' },
  // The commands, understood everywhere, and the return after a pause.
  { type: 'user.commanded', command: 'help' },
  { type: 'user.commanded', command: 'pause' },
  { type: 'user.commanded', command: 'stop' },
  { type: 'user.commanded', command: 'restart' },
  { type: 'session.resumed' },
];

/** What could happen next in a state: its routine's examples, its effect's outcomes, codes, side events. */
export function eventsFor(snapshot: Snapshot): SessionEvent[] {
  const where = whereIs(snapshot);
  if (where.effect) return OUTCOMES[where.effect](snapshot);
  if (snapshot.matches({ newRegistration: 'waitingToRetry' })) return [{ type: 'user.chatted' }];
  if (snapshot.matches({ newRegistration: 'handedOff' })) {
    return [{ type: 'user.chatted' }, { type: 'user.gaveCode', code: CODES.lions }];
  }
  if (snapshot.matches('generic')) {
    return [
      { type: 'user.gaveCode', code: CODES.lions },
      { type: 'user.gaveCode', code: CODES.panthers },
      { type: 'user.gaveCode', code: CODES.returning },
      { type: 'user.gaveCode', code: CODES.returningOwnContact },
      { type: 'user.gaveInvalidCode', problem: 'wrongSeason' },
      { type: 'user.chatted' },
      { type: 'user.uploadedPhoto', uploadId: 'u1' },
      { type: 'session.restarted' },
      { type: 'turn.started' },
      ...SIDE_EVENTS,
    ];
  }
  if (!where.routine) return [];
  const routine = routines[where.routine];
  const answers = [
    ...routine.examples.flatMap((example) =>
      example.answer ? [example.answer as Partial<Draft>] : [],
    ),
    ...(EXTRA_ANSWERS[where.routine] ?? []),
  ];
  const events: SessionEvent[] = [
    ...answers.map((answer): SessionEvent => ({ type: 'user.answered', answer })),
    ...SIDE_EVENTS,
  ];
  if (where.routine === 'confirmDetails') events.push(...CORRECTIONS);
  if ((RESUME_POINTS as readonly string[]).includes(where.routine)) events.push(...AFTER_SAVE);
  if (where.routine === 'photo') events.push({ type: 'user.uploadedPhoto', uploadId: 'u1' });
  if (where.routine === 'registerAsNew') events.push({ type: 'user.gaveCode', code: CODES.lions });
  if (where.routine === 'registered')
    events.push(
      { type: 'user.gaveCode', code: CODES.lions },
      { type: 'user.uploadedPhoto', uploadId: 'u2' },
    );
  if (where.routine === 'parentName') {
    events.push(
      { type: 'user.gaveCode', code: CODES.lions },
      { type: 'user.uploadedPhoto', uploadId: 'u0' },
      {
        type: 'user.corrected',
        routine: 'parentEmail',
        answer: { parentEmail: 'sarah.jones@example.com' },
      },
      { type: 'user.corrected', routine: 'parentPostcode', answer: null },
    );
  }
  return events;
}

/** The state plus only what the guards read: enough to tell branches apart, small enough to finish. */
export function serializeForGraph(snapshot: Snapshot): string {
  const { context } = snapshot;
  const { draft } = context;
  return JSON.stringify({
    value: snapshot.value,
    code: context.pendingCode
      ? `${context.pendingCode.kind}-${context.pendingCode.ageGroup}`
      : null,
    ownContact: context.team ? Number(context.team.ageGroup.slice(1)) >= 16 : null,
    sibling: context.previousParent !== null,
    correcting: context.correcting,
    reuse: draft.reuseParentDetails ?? null,
    played: draft.playedLastSeason ?? null,
    mobileClash: draft.playerMobile !== undefined && draft.playerMobile === draft.parentMobile,
    emailClash: draft.playerEmail !== undefined && draft.playerEmail === draft.parentEmail,
    hasPlayerMobile: draft.playerMobile !== undefined,
    hasPlayerEmail: draft.playerEmail !== undefined,
    saved: context.recordSaved,
    failure: context.failure,
    resumeAt: context.resumeAt,
    journey: context.journey ?? null,
    returning: context.returning
      ? {
          tries: context.returning.tries,
          candidates: context.returning.candidates.map((held) => held.registrationId),
          previous: context.returning.previous?.registrationId ?? null,
          sections: context.returning.sections,
          toAsk: context.returning.toAsk,
        }
      : null,
    shirt: draft.shirtNumber !== undefined,
    photo: draft.photoLink !== undefined,
    identityMoved:
      context.registrationId !== null && context.registrationId !== registrationIdIn(snapshot),
  });
}
