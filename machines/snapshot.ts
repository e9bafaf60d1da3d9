import { createActor, type SnapshotFrom } from 'xstate';
import { z } from 'zod';
import type { Envelope } from '../tools/snapshots/session-store.ts';
import { SESSION_MACHINE_VERSION, sessionMachine } from './session.machine.ts';
import type { SessionInput } from './setup.ts';

export type SessionActor = ReturnType<typeof createActor<typeof sessionMachine>>;
export type SessionSnapshot = SnapshotFrom<typeof sessionMachine>;

/** A stored session that cannot be continued with this machine. */
export class SnapshotIncompatibleError extends Error {
  readonly found: { machine: string; version: string };
  constructor(found: { machine: string; version: string }, options?: { cause?: unknown }) {
    super(
      `Cannot continue a ${found.machine} v${found.version} session with session v${SESSION_MACHINE_VERSION}`,
      options,
    );
    this.name = 'SnapshotIncompatibleError';
    this.found = found;
  }
}

/**
 * Migrations from each older stored version to the next. None yet: version 1 is the first.
 * Add one here, with a fixture under test/fixtures/snapshots, whenever the version is bumped.
 */
const MIGRATIONS: Record<string, (snapshot: unknown) => { version: string; snapshot: unknown }> =
  {};

/** The parts of a stored snapshot the runner relies on; anything else is the machine's to judge. */
const StoredSnapshot = z.object({
  status: z.literal('active'),
  value: z.union([z.string(), z.record(z.string(), z.unknown())]),
  context: z.looseObject({
    sessionId: z.string(),
    settings: z.looseObject({ ownContactAgeGroup: z.number(), ageGroupCutoff: z.string() }),
    draft: z.record(z.string(), z.unknown()),
    notices: z.array(z.looseObject({ kind: z.string() })),
    registrationCount: z.number(),
    correcting: z.boolean(),
    unclearInARow: z.number(),
  }),
});

function migrate(envelope: Envelope): unknown {
  let { version, snapshot } = envelope;
  while (version !== SESSION_MACHINE_VERSION) {
    const step = MIGRATIONS[version];
    if (!step) throw new SnapshotIncompatibleError(envelope);
    ({ version, snapshot } = step(snapshot));
  }
  if (!StoredSnapshot.safeParse(snapshot).success) throw new SnapshotIncompatibleError(envelope);
  return snapshot;
}

/** The one place a session actor is created or restored (a move to XState v6 touches only this file). */
export function startSession(envelope: Envelope | null, input: SessionInput): SessionActor {
  if (envelope === null) return createActor(sessionMachine, { input }).start();
  if (envelope.machine !== sessionMachine.id) throw new SnapshotIncompatibleError(envelope);
  const snapshot = migrate(envelope) as SessionSnapshot;
  let actor: SessionActor;
  try {
    actor = createActor(sessionMachine, { snapshot, input });
  } catch (cause) {
    throw new SnapshotIncompatibleError(envelope, { cause });
  }
  if (actor.getSnapshot().status === 'error') throw new SnapshotIncompatibleError(envelope);
  return actor.start();
}

/** The envelope to store for an actor at rest. */
export function persist(actor: SessionActor, now: Date, recent: Envelope['recent']): Envelope {
  return {
    machine: sessionMachine.id,
    version: SESSION_MACHINE_VERSION,
    snapshot: actor.getPersistedSnapshot(),
    savedAt: now.toISOString(),
    recent,
  };
}
