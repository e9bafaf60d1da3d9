import { z } from 'zod';
import { ageGroupCutoff } from '../routines/age.ts';
import type { ClubConfig } from '../routines/club.ts';
import { identityOf, registrationIdOf } from '../routines/identity.ts';
import { routines, isRoutineId, type QuestionRoutineId } from '../routines/index.ts';
import { rememberedPer } from '../tools/remembered.ts';
import { effects, type EffectPorts } from './effects.ts';
import type { PersistedMachine } from './runner.ts';
import { SESSION_MACHINE_VERSION, sessionMachine } from './session.machine.ts';
import type { Agent, EffectId, SessionEvent, StateMeta } from './setup.ts';
import type { SnapshotFrom } from 'xstate';

export type SessionSnapshot = SnapshotFrom<typeof sessionMachine>;

/** How long a session is kept after its last message. */
const SESSION_TTL_MS = 14 * 24 * 3600_000;

/** The parts of a stored session snapshot the runner relies on; anything else is the machine's. */
const StoredSession = z.object({
  status: z.literal('active'),
  value: z.union([z.string(), z.record(z.string(), z.unknown())]),
  context: z.looseObject({
    sessionId: z.string(),
    settings: z.looseObject({ ownContactAgeGroup: z.number(), ageGroupCutoff: z.string() }),
    draft: z.record(z.string(), z.unknown()),
    notices: z.array(z.looseObject({ kind: z.string() })),
    registrationCount: z.number(),
    registrationId: z.string().nullable(),
    recordSaved: z.boolean(),
    failure: z.object({ effect: z.string(), count: z.number() }).nullable(),
    resumeAt: z.string().nullable(),
    handOff: z.object({ effect: z.string(), kind: z.string() }).nullable(),
    lastUploadId: z.string().nullable(),
    correcting: z.boolean(),
    unclearInARow: z.number(),
  }),
});

/** Resting states of version 1 in which the record had been saved. */
const SAVED_IN_V1 = ['paymentLinkReceived', 'kitSize', 'shirtNumber', 'photo', 'registered'];

const V1Snapshot = z.looseObject({
  value: z.union([z.string(), z.record(z.string(), z.unknown())]),
  context: z.looseObject({
    code: z.looseObject({ season: z.string() }).nullable(),
    draft: z.record(z.string(), z.unknown()),
    registrationId: z.string().nullable(),
  }),
});

/**
 * Version 1 → 2: registrations are identified by the child (season + name + date of birth), not by
 * the session; effects that fail are retried or handed to the club. A session whose record was
 * already saved keeps the id it was saved under.
 */
function fromVersion1(stored: unknown) {
  const snapshot = V1Snapshot.parse(structuredClone(stored));
  const { context, value } = snapshot;
  const step = typeof value === 'object' ? value.newRegistration : null;
  const recordSaved = typeof step === 'string' && SAVED_IN_V1.includes(step);
  const identity = context.code
    ? identityOf(context.code.season, context.draft as Record<string, string>)
    : null;
  return {
    version: '2',
    snapshot: {
      ...snapshot,
      context: {
        ...context,
        registrationId: recordSaved
          ? context.registrationId
          : identity
            ? registrationIdOf(identity)
            : null,
        recordSaved,
        failure: null,
        resumeAt: null,
        handOff: null,
        lastUploadId: null,
      },
    },
  };
}

type Where = {
  agent: Agent;
  routine: QuestionRoutineId | null;
  number: number | null;
  effect: EffectId | null;
};

/** The routine number shown while an effect waits to be retried: the step the parent was on. */
const EFFECT_NUMBERS: Partial<Record<EffectId, number>> = {
  findPrevious: 101,
  loadHeld: 101,
  claimRegistration: 3,
  takeOverRegistration: 3,
  saveRegistration: 29,
  createPayment: 29,
  sendPaymentLink: 29,
  reserveShirtNumber: 33,
  savePhoto: 34,
  updateRecord: 28,
};

/**
 * Reads the state's meta: which agent speaks, which routine is on screen, which effect is due.
 * Remembered per snapshot (a snapshot never changes; a turn asks several times).
 */
export const whereIs: (snapshot: SessionSnapshot) => Readonly<Where> = rememberedPer(
  (snapshot: SessionSnapshot) => Object.freeze(placeOf(snapshot)),
);

function placeOf(snapshot: SessionSnapshot): Where {
  const where: Where = { agent: 'generic', routine: null, number: null, effect: null };
  // The active state nodes' meta, in getMeta()'s order, without building getMeta()'s object keyed
  // by every node's id (a new dictionary for each snapshot asked).
  for (const node of snapshot._nodes) {
    const meta = node.meta as StateMeta | undefined;
    if (meta === undefined) continue;
    if (meta.agent) where.agent = meta.agent;
    if (meta.effect) where.effect = meta.effect;
    if (meta.routine && isRoutineId(meta.routine) && routines[meta.routine].kind === 'question') {
      where.routine = meta.routine as QuestionRoutineId;
      where.number = meta.number ?? null;
    }
  }
  // The registration's agent comes from the session's data: which journey this registration is.
  if (snapshot.matches('newRegistration')) {
    where.agent = snapshot.context.journey === 'returning' ? 're_registration' : 'new_registration';
  }
  const { failure } = snapshot.context;
  if (where.number === null && failure && snapshot.matches({ newRegistration: 'waitingToRetry' })) {
    where.number = EFFECT_NUMBERS[failure.effect] ?? null;
  }
  return where;
}

export type SessionMachineDeps = {
  club: ClubConfig;
  publicBaseUrl: string;
  now: () => Date;
};

export type SessionDefinition = PersistedMachine<typeof sessionMachine, EffectPorts>;

/** The chat session as a persisted machine: one instance per session id. */
export function sessionDefinition({
  club,
  publicBaseUrl,
  now,
}: SessionMachineDeps): SessionDefinition {
  const settings = {
    ownContactAgeGroup: club.ownContactAgeGroup,
    ageGroupCutoff: ageGroupCutoff(club),
  };
  return {
    id: sessionMachine.id,
    version: SESSION_MACHINE_VERSION,
    machine: sessionMachine,
    snapshot: StoredSession,
    migrations: { '1': fromVersion1 },
    input: (sessionId) => ({ sessionId, settings }),
    effectDue: (snapshot) => (snapshot.hasTag('effect') ? whereIs(snapshot).effect : null),
    runEffect: (effect, snapshot, ports, signal, turn) =>
      effects[effect as EffectId]({
        context: snapshot.context,
        ports,
        club,
        publicBaseUrl,
        now: now(),
        signal,
        turn,
      }),
    failed: (effect, kind, reason): SessionEvent => ({
      type: 'effect.failed',
      effect: effect as EffectId,
      kind,
      reason,
    }),
    isAtRest: (snapshot) => snapshot.hasTag('awaitingUser') || snapshot.hasTag('finished'),
    ttlMs: SESSION_TTL_MS,
  };
}
