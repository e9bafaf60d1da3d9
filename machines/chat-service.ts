import { createHash } from 'node:crypto';
import type { Actor } from 'xstate';
import { z } from 'zod';
import type { ClubConfig } from '../routines/club.ts';
import type { RoutineView } from '../routines/define-routine.ts';
import { routines } from '../routines/index.ts';
import { todayIso } from '../routines/parsers/dates.ts';
import { validateAnswer } from '../routines/validate.ts';
import type { EffectPorts } from './effects.ts';
import type { Interpretation, Interpreter, RecentTurn, UserEvent } from './interpreter.ts';
import { renderNotice } from './messages.ts';
import { MENTIONABLE } from './registration.machine.ts';
import { SnapshotIncompatibleError, type EffectProgress, type Log, type Runner } from './runner.ts';
import {
  sessionDefinition,
  whereIs,
  type SessionDefinition,
  type SessionSnapshot,
} from './session.definition.ts';
import type { sessionMachine } from './session.machine.ts';
import type { Agent } from './setup.ts';

export type { Log };
export { whereIs };

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

export type ChatServiceDeps = {
  club: ClubConfig;
  runner: Runner;
  interpreter: Interpreter;
  ports: EffectPorts;
  publicBaseUrl: string;
  log: Log;
  now?: () => Date;
  /**
   * How long a finished session is kept in the session store (its record lives on); the
   * definition's TTL when not given. Unfinished sessions keep the normal TTL.
   */
  finishedTtlMs?: number;
  /** Checks a photo at routine 34 before it is accepted: a reason to refuse it, or null. */
  photoCheck?: (uploadId: string, signal?: AbortSignal) => Promise<string | null>;
};

/**
 * How a turn is getting on, for a client that watches it (a streamed reply): what the message was
 * understood as, then each effect as it starts and ends. Names and event types only, never data.
 */
export type TurnProgress =
  | { type: 'understood'; event: string; routine: number | null }
  | ({ type: 'effect' } & EffectProgress);

/** The frontend's idea of where the chat was when the message was sent (a hint, never obeyed). */
export type ClientHint = { routineNumber?: number | null };

export interface ChatService {
  reply(input: {
    sessionId: SessionId;
    text: string;
    hint?: ClientHint;
    signal?: AbortSignal;
    /** The caller's deadline (epoch ms): the turn is applied by then or not at all. */
    notAfter?: number;
    /**
     * Called inside the turn when no session is stored under this id yet, before one is made:
     * it may refuse (e.g. too many new sessions from one address) by throwing.
     */
    admitNew?: () => Promise<void>;
    /** Told how the turn is getting on (see TurnProgress); a turn without it is the same turn. */
    onProgress?: (progress: TurnProgress) => void;
  }): Promise<TurnResult>;
  /** A photo was staged for this session; the flow decides whether it is wanted. */
  uploadedPhoto(input: {
    sessionId: SessionId;
    uploadId: string;
    signal?: AbortSignal;
    notAfter?: number;
  }): Promise<TurnResult>;
  /** The session as it stands, without changing it; null when there is none (SnapshotIncompatibleError when stale). */
  peek(sessionId: SessionId): Promise<TurnResult | null>;
  /** The messages the parent saw in this chat (the latest ones), for a page reloaded; null when none. */
  transcript(sessionId: SessionId): Promise<Transcript | null>;
}

/** One message as the chat showed it. */
export type ShownMessage = { from: 'parent' | 'assistant'; text: string };
/** A chat's messages, oldest first, and where it stands (the frontend's fields). */
export type Transcript = Pick<TurnResult, 'agent' | 'routineNumber'> & {
  messages: ShownMessage[];
};

/**
 * How much of the chat is kept to show again after a reload: the latest messages up to this many
 * bytes of JSON (the whole instance, snapshot included, is bounded at 96 KB), each clipped.
 */
export const TRANSCRIPT_MAX_BYTES = 24_000;
const TRANSCRIPT_MESSAGE_CHARS = 2_000;
/** What the transcript shows for a photo the parent sent. */
export const PHOTO_SENT = '📎 Photo sent';

/** Appends a turn's messages, dropping the oldest past TRANSCRIPT_MAX_BYTES. */
export function appendTranscript(
  transcript: readonly ShownMessage[],
  added: readonly ShownMessage[],
): ShownMessage[] {
  const clipped = added.map((message) => ({
    ...message,
    text: message.text.slice(0, TRANSCRIPT_MESSAGE_CHARS),
  }));
  const next = [...transcript, ...clipped];
  const size = (message: ShownMessage) => Buffer.byteLength(JSON.stringify(message)) + 1;
  let bytes = next.reduce((sum, message) => sum + size(message), 2);
  while (bytes > TRANSCRIPT_MAX_BYTES && next.length > 0) {
    bytes -= size(next.shift() as ShownMessage);
  }
  return next;
}

/** Messages kept for a model's context, and how much of each. */
const RECENT_TURNS = 6;
const RECENT_CHARS = 500;

const Message = z.object({ from: z.enum(['parent', 'assistant']), text: z.string() });

/**
 * What is kept beside the snapshot: the last few messages (a model's context), the messages shown
 * (bounded; erased and expired with the session) and the last message applied.
 */
const Conversation = z.object({
  recent: z.array(Message).default([]),
  transcript: z.array(Message).default([]),
  last: z
    .object({
      /** A digest of the text: what the parent typed is not kept for this. */
      digest: z.string(),
      /** The routine it answered, and the routine its turn left the parent on. */
      routineNumber: z.number().nullable(),
      routineAfter: z.number().nullable(),
      /** When its turn was applied (the real clock, milliseconds). */
      appliedAt: z.number(),
      reply: z.string(),
    })
    .nullable()
    .default(null),
});
type Conversation = z.infer<typeof Conversation>;

/** The wall clock to a fraction of a millisecond, comparable between processes of one machine. */
const preciseNow = () => performance.timeOrigin + performance.now();

const digestOf = (text: string) =>
  createHash('sha256').update(text.trim().toLowerCase().normalize('NFKC')).digest('hex');

const stateName = (snapshot: SessionSnapshot) =>
  typeof snapshot.value === 'string'
    ? snapshot.value
    : Object.entries(snapshot.value)
        .map(([parent, child]) => `${parent}.${String(child)}`)
        .join(',');

type SessionActor = Actor<typeof sessionMachine>;

export function createChatService(deps: ChatServiceDeps): ChatService {
  const { club, runner, interpreter, log } = deps;
  const now = deps.now ?? (() => new Date());
  const definition: SessionDefinition = sessionDefinition({
    club,
    publicBaseUrl: deps.publicBaseUrl,
    now,
  });

  const viewOf = (snapshot: SessionSnapshot): RoutineView => ({
    draft: snapshot.context.draft,
    club,
    team: snapshot.context.team,
    today: todayIso(now()),
    siblingRegistered: snapshot.context.siblingRegistered === true,
    previousParent: snapshot.context.previousParent,
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

  /**
   * A message the session has already applied, sent again (a double tap, a resend after a
   * timeout): the same text, which moved the parent on, from a client that had not seen the reply
   * to it. The club's frontend says where it was (`routine_number`); without that, a message
   * received before the last one was applied cannot have answered the reply it had not seen yet.
   * A message that did not move the parent on (unclear, or a retry) is simply applied again.
   */
  function isResend(
    last: Conversation['last'],
    text: string,
    hint: ClientHint | undefined,
    receivedAt: number,
  ) {
    if (!last || last.digest !== digestOf(text)) return false;
    if (last.routineAfter === last.routineNumber) return false;
    if (hint && hint.routineNumber !== undefined) return hint.routineNumber === last.routineNumber;
    return receivedAt <= last.appliedAt;
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
        if (!MENTIONABLE.includes(event.routine))
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

  const remember = (conversation: Conversation, said: string | null, reply: string) => {
    const clip = (text: string) => text.slice(0, RECENT_CHARS);
    return [
      ...conversation.recent,
      ...(said === null ? [] : [{ from: 'parent' as const, text: clip(said) }]),
      { from: 'assistant' as const, text: clip(reply) },
    ].slice(-RECENT_TURNS);
  };

  type Step = (
    actor: SessionActor,
    conversation: Conversation,
    isNew: boolean,
  ) => Promise<{
    said: string | null;
    /** What the chat shows for the parent's message when it is not `said` (a photo). */
    shown?: string;
    preface?: string;
    applied?: boolean;
    resend?: string;
  }>;

  /** One turn of the session through the runner: restore, this step's events, effects, save, reply. */
  function turn(
    sessionId: SessionId,
    deadline: { signal?: AbortSignal | undefined; notAfter?: number | undefined },
    step: Step,
    onProgress?: (progress: TurnProgress) => void,
  ) {
    const { signal, notAfter } = deadline;
    const started = performance.now();
    return runner.turn(
      definition,
      sessionId,
      async (actor, { stored, restarted }) => {
        const conversation = Conversation.parse(stored?.extra ?? {});
        const numberBefore = whereIs(actor.getSnapshot()).number;
        actor.send({ type: 'turn.started' });
        if (restarted) actor.send({ type: 'session.restarted' });
        const done = await step(actor, conversation, stored === null);
        return (snapshot) => {
          const turnResult = result(sessionId, snapshot);
          if (done.resend !== undefined) {
            log('turn.resend', { routine: turnResult.routineNumber });
            return { result: { ...turnResult, reply: done.resend }, save: false };
          }
          if (done.preface) turnResult.reply = `${done.preface}\n\n${turnResult.reply}`;
          const last =
            done.applied && done.said !== null
              ? {
                  digest: digestOf(done.said),
                  routineNumber: numberBefore,
                  routineAfter: turnResult.routineNumber,
                  appliedAt: preciseNow(),
                  reply: turnResult.reply,
                }
              : conversation.last;
          // The composition root tags the id (a bearer secret) before any log line is written.
          log('turn.completed', {
            sessionId,
            state: turnResult.state,
            from: numberBefore,
            routine: turnResult.routineNumber,
            ms: Math.round(performance.now() - started),
          });
          const finished = snapshot.hasTag('finished');
          return {
            result: turnResult,
            extra: {
              recent: remember(conversation, done.said, turnResult.reply),
              transcript: appendTranscript(conversation.transcript, [
                ...(done.said === null
                  ? []
                  : [{ from: 'parent' as const, text: done.shown ?? done.said }]),
                { from: 'assistant' as const, text: turnResult.reply },
              ]),
              last,
            },
            ...(finished && deps.finishedTtlMs ? { ttlMs: deps.finishedTtlMs } : {}),
          };
        };
      },
      {
        ports: deps.ports,
        ...(signal ? { signal } : {}),
        ...(notAfter === undefined ? {} : { notAfter }),
        ...(onProgress
          ? { onEffect: (effect: EffectProgress) => onProgress({ type: 'effect', ...effect }) }
          : {}),
      },
    );
  }

  return {
    reply: ({ sessionId, text, hint, signal, notAfter, admitNew, onProgress }) => {
      const receivedAt = preciseNow();
      const step: Step = async (actor, conversation, isNew) => {
        if (isNew && admitNew) await admitNew();
        if (isResend(conversation.last, text, hint, receivedAt)) {
          return { said: text, resend: conversation.last?.reply ?? '' };
        }
        const { event, preface } = await understand(actor, text, conversation.recent, signal);
        const routine = whereIs(actor.getSnapshot()).number;
        onProgress?.({ type: 'understood', event: event.type, routine });
        actor.send(event);
        const landed = whereIs(actor.getSnapshot()).routine;
        if (event.type === 'user.corrected' && event.answer && landed === event.routine) {
          actor.send({ type: 'user.answered', answer: event.answer });
        }
        return { said: text, applied: true, ...(preface ? { preface } : {}) };
      };
      return turn(sessionId, { signal, notAfter }, step, onProgress);
    },
    async uploadedPhoto({ sessionId, uploadId, signal, notAfter }) {
      // The photo check (a model call, seconds) runs before the turn, not while holding the lock.
      const before = await runner.peek(definition, sessionId).catch((error: unknown) => {
        // A stale session: the turn itself restarts it politely.
        if (error instanceof SnapshotIncompatibleError) return null;
        throw error;
      });
      const wanted =
        before !== null &&
        whereIs(before.snapshot).routine === 'photo' &&
        before.snapshot.context.lastUploadId !== uploadId;
      const refused = wanted && deps.photoCheck ? await deps.photoCheck(uploadId, signal) : null;
      return turn(sessionId, { signal, notAfter }, async (actor) => {
        const { context } = actor.getSnapshot();
        // A photo job run again after a crash: the flow already took this upload.
        if (context.lastUploadId === uploadId) return { said: null };
        actor.send(
          refused
            ? { type: 'user.unclear', reason: refused }
            : { type: 'user.uploadedPhoto', uploadId },
        );
        const taken = actor.getSnapshot().context;
        if (taken.upload?.id !== uploadId && taken.lastUploadId !== uploadId) {
          await deps.ports.photos.discard(uploadId);
        }
        return { said: '[photo]', shown: PHOTO_SENT };
      });
    },
    async peek(sessionId) {
      const found = await runner.peek(definition, sessionId);
      return found ? result(sessionId, found.snapshot) : null;
    },
    async transcript(sessionId) {
      const found = await runner.peek(definition, sessionId);
      if (!found) return null;
      const { agent, routineNumber } = result(sessionId, found.snapshot);
      const { transcript } = Conversation.parse(found.stored.extra ?? {});
      return { messages: transcript, agent, routineNumber };
    },
  };
}
