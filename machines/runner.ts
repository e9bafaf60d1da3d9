import {
  createActor,
  type Actor,
  type ActorOptions,
  type AnyStateMachine,
  type EventFromLogic,
  type InputFrom,
  type SnapshotFrom,
} from 'xstate';
import type { z } from 'zod';
import { Canceller, type Cancellation } from '../tools/cancellation.ts';
import {
  recordJson,
  type HeldInstance,
  type JournalAppend,
  type SnapshotStore,
  type StoredInstance,
} from '../tools/snapshots/port.ts';
import { ToolUnavailableError } from '../tools/tool.ts';

export type Log = (event: string, data?: Record<string, unknown>) => void;

/** Why an effect failed: its service was unavailable (worth retrying later), or a bug. */
export type EffectFailureKind = 'unavailable' | 'bug';

/**
 * A machine whose instances are persisted and run by the runner: chat sessions, payments, …
 * Its version changes whenever a stored snapshot would no longer fit, with a migration here.
 */
export type PersistedMachine<Machine extends AnyStateMachine, Ports> = {
  /** The machine's id in storage (also its `machine.id`). */
  id: string;
  version: string;
  machine: Machine;
  /** The parts of a stored snapshot the runner relies on; anything else is the machine's to judge. */
  snapshot: z.ZodType;
  /** From each older version to the next. */
  migrations: Readonly<Record<string, (snapshot: unknown) => unknown>>;
  input: (instanceId: string) => InputFrom<Machine>;
  /** The effect the instance waits for now (an effect state), or null when it is at rest. */
  effectDue: (snapshot: SnapshotFrom<Machine>) => string | null;
  /**
   * Runs an effect through the ports; its outcome is the event sent back to the machine. `turn`
   * is this turn's memory, shared by its effects and never saved: what one effect learned that a
   * later one of the same turn would otherwise read back from a port.
   */
  runEffect: (
    effect: string,
    snapshot: SnapshotFrom<Machine>,
    ports: Ports,
    signal: AbortSignal,
    turn: TurnMemory,
  ) => Promise<EventFromLogic<Machine>>;
  /** The event that tells the machine an effect failed. */
  failed: (effect: string, kind: EffectFailureKind, reason: string) => EventFromLogic<Machine>;
  /** Where a turn may end and be saved. */
  isAtRest: (snapshot: SnapshotFrom<Machine>) => boolean;
  /** How long an instance is kept after its last save. */
  ttlMs: number;
};

/** What a turn's effects leave for each other (see PersistedMachine.runEffect): gone after the turn. */
export type TurnMemory = Map<string, unknown>;

/** A stored instance that cannot be continued with this machine. */
export class SnapshotIncompatibleError extends Error {
  readonly found: { machine: string; version: string };
  constructor(found: { machine: string; version: string }, options?: { cause?: unknown }) {
    super(`Cannot continue a ${found.machine} v${found.version} instance`, options);
    this.name = 'SnapshotIncompatibleError';
    this.found = found;
  }
}

/** Effects in one turn before the runner assumes the machine loops. */
const MAX_EFFECTS_PER_TURN = 12;

/** Brings a stored snapshot to the current version, or throws SnapshotIncompatibleError. */
export function migrate(
  definition: PersistedMachine<AnyStateMachine, unknown>,
  stored: Pick<StoredInstance, 'machine' | 'version' | 'snapshot'>,
): unknown {
  if (stored.machine !== definition.id) throw new SnapshotIncompatibleError(stored);
  let { version, snapshot } = stored;
  const seen = new Set<string>();
  while (version !== definition.version) {
    const step = definition.migrations[version];
    if (!step || seen.has(version)) throw new SnapshotIncompatibleError(stored);
    seen.add(version);
    try {
      ({ version, snapshot } = step(snapshot) as { version: string; snapshot: unknown });
    } catch (cause) {
      throw new SnapshotIncompatibleError(stored, { cause });
    }
  }
  if (!definition.snapshot.safeParse(snapshot).success) throw new SnapshotIncompatibleError(stored);
  return snapshot;
}

/**
 * The one place an actor is created or restored (a move to XState v6 touches only this file).
 * A snapshot that does not fit restores as an error-status actor: that is incompatible too.
 */
export function restore<Machine extends AnyStateMachine>(
  definition: PersistedMachine<Machine, unknown>,
  instanceId: string,
  stored: Pick<StoredInstance, 'machine' | 'version' | 'snapshot'> | null,
  { inspect }: { inspect?: Inspect } = {},
): Actor<Machine> {
  const input = definition.input(instanceId);
  const watched = inspect ? { inspect } : {};
  if (stored === null)
    return createActor(definition.machine, { input, ...watched }).start() as Actor<Machine>;
  const snapshot = migrate(definition as PersistedMachine<AnyStateMachine, unknown>, stored);
  let actor: Actor<Machine>;
  try {
    actor = createActor(definition.machine, {
      snapshot: snapshot as SnapshotFrom<Machine>,
      input,
      ...watched,
    }) as Actor<Machine>;
  } catch (cause) {
    throw new SnapshotIncompatibleError(stored, { cause });
  }
  if ((actor.getSnapshot() as { status: string }).status === 'error') {
    throw new SnapshotIncompatibleError(stored);
  }
  return actor.start();
}

/** What one turn's work sees besides the actor. */
export type TurnContext = {
  stored: StoredInstance | null;
  /** The stored snapshot did not fit: the instance started again. */
  restarted: boolean;
};

export type TurnOptions<Ports> = {
  ports: Ports;
  /** The caller giving up (a hang-up, a deadline): effects are stopped and nothing is saved. */
  cancel?: Cancellation;
  /**
   * The caller's deadline (epoch ms, the real clock): the save must be applied by then or not at
   * all, so that a caller told "failed" never finds the turn applied later.
   */
  notAfter?: number;
  /** Told as each effect starts and ends (its outcome is the event it answered), e.g. to stream progress. */
  onEffect?: (progress: EffectProgress) => void;
};

/** One effect starting or ending within a turn: its name and, once ended, its outcome. */
export type EffectProgress =
  { phase: 'started'; effect: string } | { phase: 'finished'; effect: string; outcome: string };

/** An inspection observer (the Stately inspector's `inspect`), attached to every actor created. */
export type Inspect = NonNullable<ActorOptions<AnyStateMachine>['inspect']>;

/** Told after each save: which instance now rests in which snapshot (e.g. to count sessions by state). */
export type OnSaved = (
  machine: string,
  instanceId: string,
  snapshot: unknown,
  savedAt: Date,
) => Promise<void>;

export type RunnerDeps = {
  store: SnapshotStore;
  log: Log;
  now?: () => Date;
  /** The largest instance (snapshot and extra, as JSON) a turn may save. */
  maxInstanceBytes?: number;
  /** Development only: every actor's events and snapshots go to this observer. */
  inspect?: Inspect;
  /** Runs after each save; its failure is logged, never the turn's. */
  onSaved?: OnSaved;
  /**
   * How many instances this process saved last are kept running for their next turn (0: none).
   * A kept actor is used only when the store says its save is still the stored one (a tagged
   * save, see SnapshotStore.acquire): the next turn then skips loading, checking and restoring.
   */
  keepActors?: number;
};

/** A kept actor is dropped when its instance has had no turn here for this long. */
const KEEP_IDLE_MS = 10 * 60_000;

/** An instance this process saved, its actor still running in the state it was saved in. */
type Kept = {
  definition: object;
  stored: StoredInstance;
  actor: Actor<AnyStateMachine>;
  at: number;
};

/** The actors of the instances saved last (most recent last), at most `max` of them. */
function keptActors(max: number) {
  const kept = new Map<string, Kept>();
  const drop = (key: string) => {
    kept.get(key)?.actor.stop();
    kept.delete(key);
  };
  return {
    /** The instance's kept actor, taken out (a turn has it to itself), if this definition's. */
    take(key: string, definition: object): Kept | undefined {
      const found = kept.get(key);
      kept.delete(key);
      if (found && (found.definition !== definition || Date.now() - found.at > KEEP_IDLE_MS)) {
        found.actor.stop();
        return undefined;
      }
      return found;
    },
    keep(key: string, entry: Kept) {
      drop(key);
      if (max <= 0) return void entry.actor.stop();
      kept.set(key, entry);
      for (const [oldest, { at }] of kept) {
        if (kept.size <= max && Date.now() - at <= KEEP_IDLE_MS) break;
        drop(oldest);
      }
    },
  };
}

/**
 * How a turn ends, once the machine rests: its result, what to keep beside the snapshot, what to
 * add to the instance's journal with the save, whether to save, and how long to keep the instance
 * (the definition's ttlMs when not given).
 */
export type TurnEnd<Result> = {
  result: Result;
  extra?: Record<string, unknown>;
  journal?: JournalAppend;
  save?: boolean;
  ttlMs?: number;
  /**
   * Whether the actor is worth keeping running for the instance's next turn (see keepActors; by
   * default it is): not for an instance whose work is done, whose next turn, if any, may be days
   * away. A kept actor lives on past the young generation of V8's heap, so one kept for nothing
   * is copied there and collected later at the higher price.
   */
  keep?: boolean;
};

/** An instance that grew past the size a turn may save: nothing was saved. */
export class InstanceTooLargeError extends Error {
  constructor(machine: string, bytes: number) {
    super(`A ${machine} instance of ${bytes} bytes is too large to save`);
    this.name = 'InstanceTooLargeError';
  }
}

/** Far more than a whole registration needs (a session, its messages apart, is about 2.5 KB). */
const MAX_INSTANCE_BYTES = 96_000;

/**
 * The work a turn does on the actor before effects run (send its events); it returns how to end
 * the turn from the snapshot at rest.
 */
export type TurnWork<Machine extends AnyStateMachine, Result> = (
  actor: Actor<Machine>,
  turn: TurnContext,
) => Promise<(snapshot: SnapshotFrom<Machine>) => TurnEnd<Result>>;

/**
 * Runs turns on persisted machines: lock → load → migrate or restart politely → restore → the
 * turn's events → effect states through their ports until the machine rests → save with
 * compare-and-set on the revision → release. Chat turns, webhooks and jobs all go through it.
 */
export function createRunner({
  store,
  log,
  now = () => new Date(),
  maxInstanceBytes = MAX_INSTANCE_BYTES,
  inspect,
  onSaved,
  keepActors = 200,
}: RunnerDeps) {
  const watched = inspect ? { inspect } : {};
  const kept = keptActors(keepActors);
  async function runEffects<Machine extends AnyStateMachine, Ports>(
    definition: PersistedMachine<Machine, Ports>,
    actor: Actor<Machine>,
    ports: Ports,
    cancel: Cancellation,
    onEffect?: (progress: EffectProgress) => void,
  ) {
    const memory: TurnMemory = new Map();
    for (let count = 0; ; count += 1) {
      const effect = definition.effectDue(actor.getSnapshot());
      if (effect === null) return;
      if (count >= MAX_EFFECTS_PER_TURN)
        throw new Error('Too many effects in one turn: the machine loops');
      const started = Date.now();
      onEffect?.({ phase: 'started', effect });
      let event: EventFromLogic<Machine>;
      try {
        event = await definition.runEffect(
          effect,
          actor.getSnapshot(),
          ports,
          cancel.signal,
          memory,
        );
        log('effect.done', {
          machine: definition.id,
          effect,
          outcome: event.type,
          ms: Date.now() - started,
        });
      } catch (error) {
        if (cancel.aborted) throw error;
        const kind: EffectFailureKind =
          error instanceof ToolUnavailableError ? 'unavailable' : 'bug';
        const name = error instanceof Error ? error.name : 'unknown';
        log(kind === 'bug' ? 'effect.crashed' : 'effect.failed', {
          machine: definition.id,
          effect,
          kind,
          error: name,
          ...(kind === 'bug' && error instanceof Error
            ? { message: error.message.slice(0, 200), stack: error.stack?.split('\n').slice(1, 6) }
            : {}),
        });
        event = definition.failed(effect, kind, name);
      }
      onEffect?.({ phase: 'finished', effect, outcome: String(event.type) });
      actor.send(event);
    }
  }

  function restoreOrRestart<Machine extends AnyStateMachine>(
    definition: PersistedMachine<Machine, unknown>,
    instanceId: string,
    stored: StoredInstance | null,
  ) {
    try {
      return { actor: restore(definition, instanceId, stored, watched), restarted: false };
    } catch (error) {
      if (!(error instanceof SnapshotIncompatibleError)) throw error;
      log('instance.restarted', { machine: definition.id, found: error.found });
      return { actor: restore(definition, instanceId, null, watched), restarted: true };
    }
  }

  return {
    /** One turn on one instance; nothing is saved if the turn fails or its caller gave up. */
    async turn<Machine extends AnyStateMachine, Ports, Result>(
      definition: PersistedMachine<Machine, Ports>,
      instanceId: string,
      work: TurnWork<Machine, Result>,
      { ports, cancel = new Canceller(), notAfter, onEffect }: TurnOptions<Ports>,
    ): Promise<Result> {
      const key = { machine: definition.id, id: instanceId };
      const keptKey = `${definition.id}:${instanceId}`;
      const known = kept.take(keptKey, definition);
      let held: HeldInstance;
      try {
        held = await store.acquire(key, known ? { known: known.stored } : {});
      } catch (error) {
        known?.actor.stop();
        throw error;
      }
      let actor: Actor<Machine> | null = null;
      let subscription: { unsubscribe(): void } | null = null;
      /** Saved and kept running for the next turn: not stopped at the end of this one. */
      let keeping = false;
      try {
        // The kept actor is still the stored save: it goes on from where it rests.
        const resumed = known !== undefined && held.stored === known.stored;
        if (known && !resumed) known.actor.stop();
        const restored = resumed
          ? { actor: known.actor as Actor<Machine>, restarted: false }
          : restoreOrRestart(
              definition as PersistedMachine<Machine, unknown>,
              instanceId,
              held.stored,
            );
        actor = restored.actor;
        let failure: unknown = null;
        subscription = actor.subscribe({ error: (error) => (failure = error) });
        const end = await work(actor, { stored: held.stored, restarted: restored.restarted });
        await runEffects(definition, actor, ports, cancel, onEffect);
        if (failure) throw failure;
        const snapshot = actor.getSnapshot();
        if (!definition.isAtRest(snapshot)) {
          throw new Error(`A ${definition.id} turn ended outside a resting state`);
        }
        const done = end(snapshot);
        // A turn whose caller gave up (deadline, hang-up) is abandoned, never applied later.
        cancel.throwIfAborted();
        if (done.save !== false) {
          const record = {
            version: definition.version,
            snapshot: actor.getPersistedSnapshot(),
            savedAt: now().toISOString(),
            extra: done.extra ?? held.stored?.extra ?? {},
          };
          const json = recordJson(record);
          // A UTF-16 unit is at most 3 bytes of UTF-8: most records need no counting.
          if (json.length * 3 > maxInstanceBytes) {
            const bytes = Buffer.byteLength(json);
            if (bytes > maxInstanceBytes) throw new InstanceTooLargeError(definition.id, bytes);
          }
          // One shape whatever is given (see savedInstance): the store's reads of it stay cached.
          const saved = await held.commit(record, done.ttlMs ?? definition.ttlMs, {
            notAfter,
            journal: done.journal,
          });
          if (saved.etag !== undefined && done.keep !== false) {
            kept.keep(keptKey, { definition, stored: saved, actor, at: Date.now() });
            keeping = true;
          }
          await onSaved?.(definition.id, instanceId, snapshot, new Date(record.savedAt)).catch(
            (error: unknown) =>
              log('instance.on_saved_failed', {
                machine: definition.id,
                error: error instanceof Error ? error.name : 'unknown',
              }),
          );
        }
        return done.result;
      } finally {
        subscription?.unsubscribe();
        if (!keeping) actor?.stop();
        await held.release();
      }
    },

    /** The instance as it stands, without changing it; null when there is none. */
    async peek<Machine extends AnyStateMachine, Ports>(
      definition: PersistedMachine<Machine, Ports>,
      instanceId: string,
    ): Promise<{ snapshot: SnapshotFrom<Machine>; stored: StoredInstance } | null> {
      const stored = await store.load({ machine: definition.id, id: instanceId });
      if (!stored) return null;
      const actor = restore(
        definition as PersistedMachine<Machine, unknown>,
        instanceId,
        stored,
        watched,
      );
      const snapshot = actor.getSnapshot();
      actor.stop();
      return { snapshot, stored };
    },

    /** The instance's journal, oldest first (what its turns added with their saves). */
    journal<Machine extends AnyStateMachine, Ports>(
      definition: PersistedMachine<Machine, Ports>,
      instanceId: string,
      options?: { last?: number },
    ): Promise<unknown[]> {
      return store.journal({ machine: definition.id, id: instanceId }, options);
    },
  };
}

export type Runner = ReturnType<typeof createRunner>;
