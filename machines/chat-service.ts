import { z } from 'zod';
import { ageGroupCutoff } from '../routines/age.ts';
import type { ClubConfig } from '../routines/club.ts';
import type { RoutineView } from '../routines/define-routine.ts';
import { routines, isRoutineId, type QuestionRoutineId } from '../routines/index.ts';
import { todayIso } from '../routines/parsers/dates.ts';
import { validateAnswer } from '../routines/validate.ts';
import { CORRECTABLE } from './registration.machine.ts';
import type { SessionStore } from '../tools/snapshots/session-store.ts';
import { effects, type EffectPorts } from './effects.ts';
import type { Interpretation, Interpreter, RecentTurn, UserEvent } from './interpreter.ts';
import { renderNotice } from './messages.ts';
import {
  persist,
  SnapshotIncompatibleError,
  startSession,
  type SessionActor,
  type SessionSnapshot,
} from './snapshot.ts';
import type { Envelope } from '../tools/snapshots/session-store.ts';
import type { Agent, EffectId, SessionEvent, StateMeta } from './setup.ts';

/** Session ids as the club frontend makes them (session-1732190000000-k3j9x2m1q), or our own UUIDs. */
export const SessionId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,100}$/, 'a session id is 8-100 letters, digits, "-" or "_"')
  .brand<'SessionId'>();
export type SessionId = z.infer<typeof SessionId>;

/** What one turn gives back to the parent, in the frontend's terms. */
export type TurnResult = {
  sessionId: SessionId;
  reply: string;
  agent: Agent;
  /** The routine now on screen (the frontend's `routine_number`), or null outside a registration. */
  routineNumber: number | null;
  /** The machine state, for logs and tests. */
  state: string;
};

export type Log = (event: string, data?: Record<string, unknown>) => void;

export type ChatServiceDeps = {
  club: ClubConfig;
  sessions: SessionStore;
  interpreter: Interpreter;
  ports: EffectPorts;
  publicBaseUrl: string;
  log: Log;
  now?: () => Date;
  /** Checks a photo at routine 34 before it is accepted: a reason to refuse it, or null. */
  photoCheck?: (uploadId: string, signal?: AbortSignal) => Promise<string | null>;
};

export interface ChatService {
  reply(input: { sessionId: SessionId; text: string; signal?: AbortSignal }): Promise<TurnResult>;
  /** A photo was staged for this session; the flow decides whether it is wanted. */
  uploadedPhoto(input: {
    sessionId: SessionId;
    uploadId: string;
    signal?: AbortSignal;
  }): Promise<TurnResult>;
  /** The session as it stands, without changing it; null when there is none (SnapshotIncompatibleError when stale). */
  peek(sessionId: SessionId): Promise<TurnResult | null>;
}

/** Effects per turn before the runner assumes a loop in the machine. */
const MAX_EFFECTS_PER_TURN = 12;
/** Messages kept for a model's context, and how much of each. */
const RECENT_TURNS = 6;
const RECENT_CHARS = 500;

type Where = {
  agent: Agent;
  routine: QuestionRoutineId | null;
  number: number | null;
  effect: EffectId | null;
};

/** Reads the state's meta: which agent speaks, which routine is on screen, which effect is due. */
export function whereIs(snapshot: SessionSnapshot): Where {
  const metas = Object.values(snapshot.getMeta()) as StateMeta[];
  const where: Where = { agent: 'generic', routine: null, number: null, effect: null };
  for (const meta of metas) {
    if (meta.agent) where.agent = meta.agent;
    if (meta.effect) where.effect = meta.effect;
    if (meta.routine && isRoutineId(meta.routine) && routines[meta.routine].kind === 'question') {
      where.routine = meta.routine as QuestionRoutineId;
      where.number = meta.number ?? null;
    }
  }
  return where;
}

const stateName = (snapshot: SessionSnapshot) =>
  typeof snapshot.value === 'string'
    ? snapshot.value
    : Object.entries(snapshot.value)
        .map(([parent, child]) => `${parent}.${String(child)}`)
        .join(',');

export function createChatService(deps: ChatServiceDeps): ChatService {
  const { club, sessions, interpreter, log } = deps;
  const now = deps.now ?? (() => new Date());
  const settings = {
    ownContactAgeGroup: club.ownContactAgeGroup,
    ageGroupCutoff: ageGroupCutoff(club),
  };

  const viewOf = (snapshot: SessionSnapshot): RoutineView => ({
    draft: snapshot.context.draft,
    club,
    team: snapshot.context.team,
    today: todayIso(now()),
  });

  function compose(snapshot: SessionSnapshot): string {
    const where = whereIs(snapshot);
    const said = snapshot.context.notices.map((notice) => renderNotice(notice, club));
    if (where.routine) said.push(routines[where.routine].ask(viewOf(snapshot)));
    if (said.length === 0) said.push(renderNotice({ kind: 'genericHelp' }, club));
    return said.filter(Boolean).join('\n\n');
  }

  const result = (sessionId: SessionId, snapshot: SessionSnapshot): TurnResult => {
    const where = whereIs(snapshot);
    return {
      sessionId,
      reply: compose(snapshot),
      agent: where.agent,
      routineNumber: where.number,
      state: stateName(snapshot),
    };
  };

  async function runEffects(actor: SessionActor, signal: AbortSignal) {
    for (let count = 0; actor.getSnapshot().hasTag('effect'); count += 1) {
      if (count >= MAX_EFFECTS_PER_TURN)
        throw new Error('Too many effects in one turn: the machine loops');
      const { context } = actor.getSnapshot();
      const effect = whereIs(actor.getSnapshot()).effect as EffectId;
      const key = `${context.registrationId ?? context.sessionId}:${effect}`;
      const started = Date.now();
      let event: SessionEvent;
      try {
        event = await effects[effect]({
          context,
          ports: deps.ports,
          club,
          publicBaseUrl: deps.publicBaseUrl,
          idempotencyKey: key,
          now: now(),
          signal,
        });
        log('effect.done', { effect, outcome: event.type, ms: Date.now() - started });
      } catch (error) {
        if (signal.aborted) throw error;
        log('effect.failed', {
          effect,
          error: error instanceof Error ? error.name : 'unknown',
          message: error instanceof Error ? error.message : '',
        });
        event = {
          type: 'effect.failed',
          effect,
          reason: error instanceof Error ? error.name : 'unknown',
        };
      }
      actor.send(event);
    }
  }

  /** Restores the session, or starts it again politely when its snapshot no longer fits. */
  function restore(sessionId: SessionId, envelope: Envelope | null) {
    const input = { sessionId, settings };
    try {
      return { actor: startSession(envelope, input), restarted: false };
    } catch (error) {
      if (!(error instanceof SnapshotIncompatibleError)) throw error;
      log('session.restarted', { found: error.found });
      return { actor: startSession(null, input), restarted: true };
    }
  }

  type Feed = (
    actor: SessionActor,
    recent: readonly RecentTurn[],
  ) => Promise<{ said?: string; preface?: string }>;

  /** One turn: restore, feed events, run effects until at rest, save, reply. */
  async function turn(sessionId: SessionId, signal: AbortSignal | undefined, feed: Feed) {
    return sessions.withLock(sessionId, async () => {
      const envelope = await sessions.load(sessionId);
      const recent = envelope?.recent ?? [];
      const { actor, restarted } = restore(sessionId, envelope);
      let failure: unknown = null;
      const subscription = actor.subscribe({ error: (error) => (failure = error) });
      const abort = signal ?? new AbortController().signal;
      try {
        actor.send({ type: 'turn.started' });
        if (restarted) actor.send({ type: 'session.restarted' });
        const { said, preface } = await feed(actor, recent);
        await runEffects(actor, abort);
        if (failure) throw failure;
        const snapshot = actor.getSnapshot();
        if (!snapshot.hasTag('awaitingUser') && !snapshot.hasTag('finished')) {
          throw new Error(`Turn ended outside a resting state: ${stateName(snapshot)}`);
        }
        const done = result(sessionId, snapshot);
        if (preface) done.reply = `${preface}\n\n${done.reply}`;
        const clip = (text: string) => text.slice(0, RECENT_CHARS);
        const remembered: RecentTurn[] = [
          ...recent,
          ...(said === undefined ? [] : [{ from: 'parent' as const, text: clip(said) }]),
          { from: 'assistant' as const, text: clip(done.reply) },
        ].slice(-RECENT_TURNS);
        await sessions.save(sessionId, persist(actor, now(), remembered));
        log('turn.completed', { state: done.state, routine: done.routineNumber });
        return done;
      } finally {
        subscription.unsubscribe();
        actor.stop();
      }
    });
  }

  /**
   * The gate between any interpreter (offline or a model) and the machine: only user events pass,
   * and every answer is validated by the routine it claims to answer, whatever produced it.
   */
  function admit(event: UserEvent, snapshot: SessionSnapshot): UserEvent {
    const where = whereIs(snapshot);
    const view = viewOf(snapshot);
    switch (event.type) {
      case 'user.answered': {
        if (!where.routine) return { type: 'user.chatted' };
        const checked = validateAnswer(routines[where.routine], event.answer, view);
        return checked.ok
          ? { type: 'user.answered', answer: checked.value }
          : { type: 'user.unclear', reason: checked.reason };
      }
      case 'user.corrected': {
        if (!CORRECTABLE.includes(event.routine))
          return { type: 'user.unclear', reason: "Sorry, I can't change that here." };
        const checked = event.answer && validateAnswer(routines[event.routine], event.answer, view);
        return { ...event, answer: checked && checked.ok ? checked.value : null };
      }
      case 'user.unclear':
      case 'user.asked':
      case 'user.chatted':
      case 'user.gaveCode':
      case 'user.gaveInvalidCode':
        return event;
      default:
        return { type: 'user.unclear', reason: "Sorry, I didn't quite catch that." };
    }
  }

  async function understand(
    actor: SessionActor,
    text: string,
    recent: readonly RecentTurn[],
    signal?: AbortSignal,
  ): Promise<Interpretation> {
    const snapshot = actor.getSnapshot();
    const where = whereIs(snapshot);
    const understood = await interpreter.interpret({
      text,
      recent,
      agent: where.agent,
      routine: where.routine,
      view: viewOf(snapshot),
      ...(signal ? { signal } : {}),
    });
    const event = admit(understood.event, snapshot);
    log('turn.understood', { routine: where.number, event: event.type });
    return { ...understood, event };
  }

  return {
    reply: ({ sessionId, text, signal }) =>
      turn(sessionId, signal, async (actor, recent) => {
        const { event, preface } = await understand(actor, text, recent, signal);
        actor.send(event);
        const landed = whereIs(actor.getSnapshot()).routine;
        if (event.type === 'user.corrected' && event.answer && landed === event.routine) {
          actor.send({ type: 'user.answered', answer: event.answer });
        }
        return preface ? { said: text, preface } : { said: text };
      }),
    uploadedPhoto: ({ sessionId, uploadId, signal }) =>
      turn(sessionId, signal, async (actor) => {
        const atPhoto = whereIs(actor.getSnapshot()).routine === 'photo';
        const refused = atPhoto && deps.photoCheck ? await deps.photoCheck(uploadId, signal) : null;
        actor.send(
          refused
            ? { type: 'user.unclear', reason: refused }
            : { type: 'user.uploadedPhoto', uploadId },
        );
        if (actor.getSnapshot().context.upload?.id !== uploadId)
          await deps.ports.photos.discard(uploadId);
        return { said: '[photo]' };
      }),
    async peek(sessionId) {
      const envelope = await sessions.load(sessionId);
      if (!envelope) return null;
      const actor = startSession(envelope, { sessionId, settings });
      const snapshot = actor.getSnapshot();
      actor.stop();
      return result(sessionId, snapshot);
    },
  };
}
