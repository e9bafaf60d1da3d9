import type { SnapshotFrom } from 'xstate';
import { whereIs } from '../../machines/chat-service.ts';
import type { sessionMachine } from '../../machines/session.machine.ts';
import type { EffectId, SessionEvent } from '../../machines/setup.ts';
import type { Draft } from '../../routines/draft.ts';
import { routines, type QuestionRoutineId } from '../../routines/index.ts';
import type { RegistrationCode } from '../../routines/registration-code.ts';

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
};

const ADDRESS = {
  houseNumber: '12',
  line1: '12 Sandy Lane',
  town: 'Stretford',
  city: 'Manchester',
  postcode: 'M32 8JL',
};

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

const OUTCOMES: Record<EffectId, (snapshot: Snapshot) => SessionEvent[]> = {
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
    { type: 'effect.failed', effect: 'findTeam', reason: 'down' },
  ],
  lookUpParentAddress: () => [
    { type: 'address.found', address: ADDRESS },
    { type: 'address.notFound' },
    { type: 'effect.failed', effect: 'lookUpParentAddress', reason: 'down' },
  ],
  lookUpChildAddress: () => [
    { type: 'address.found', address: ADDRESS },
    { type: 'address.notFound' },
    { type: 'effect.failed', effect: 'lookUpChildAddress', reason: 'down' },
  ],
  saveRegistration: () => [
    { type: 'registration.saved' },
    { type: 'effect.failed', effect: 'saveRegistration', reason: 'down' },
  ],
  createPayment: () => [
    { type: 'payment.created' },
    { type: 'effect.failed', effect: 'createPayment', reason: 'down' },
  ],
  sendPaymentLink: () => [
    { type: 'sms.queued' },
    { type: 'effect.failed', effect: 'sendPaymentLink', reason: 'down' },
  ],
  checkKit: () => [
    { type: 'kit.checked', needsNewKit: true },
    { type: 'kit.checked', needsNewKit: false },
    { type: 'effect.failed', effect: 'checkKit', reason: 'down' },
  ],
  reserveShirtNumber: () => [
    { type: 'shirt.reserved' },
    { type: 'shirt.taken' },
    { type: 'effect.failed', effect: 'reserveShirtNumber', reason: 'down' },
  ],
  savePhoto: () => [
    { type: 'photo.saved', photoLink: 'photos/x.jpg' },
    { type: 'effect.failed', effect: 'savePhoto', reason: 'down' },
  ],
};

const SIDE_EVENTS: SessionEvent[] = [
  { type: 'user.asked', answer: 'It costs £45.' },
  { type: 'user.unclear', reason: 'Sorry?' },
];

/** What could happen next in a state: its routine's examples, its effect's outcomes, codes, side events. */
export function eventsFor(snapshot: Snapshot): SessionEvent[] {
  const where = whereIs(snapshot);
  if (where.effect) return OUTCOMES[where.effect](snapshot);
  if (snapshot.matches('generic') || snapshot.matches('returningPlayer')) {
    return [
      { type: 'user.gaveCode', code: CODES.lions },
      { type: 'user.gaveCode', code: CODES.panthers },
      { type: 'user.gaveCode', code: CODES.returning },
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
  if (where.routine === 'photo') events.push({ type: 'user.uploadedPhoto', uploadId: 'u1' });
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
        routine: 'childName',
        answer: { childFirstName: 'Leo', childLastName: 'Jones' },
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
  });
}
