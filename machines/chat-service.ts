import { createHash } from 'node:crypto';
import type { Actor } from 'xstate';
import { z } from 'zod';
import type { ClubConfig } from '../routines/club.ts';
import type { RoutineView } from '../routines/define-routine.ts';
import { routines, type QuestionRoutineId } from '../routines/index.ts';
import { formatUkDate, parseDate, todayIso } from '../routines/parsers/dates.ts';
import { parseUkMobile } from '../routines/parsers/phones.ts';
import { readRegistrationCode, type RegistrationCode } from '../routines/registration-code.ts';
import { readAnswer, validateAnswer } from '../routines/validate.ts';
import type { Cancellation } from '../tools/cancellation.ts';
import { remembered } from '../tools/remembered.ts';
import type { EffectPorts } from './effects.ts';
import {
  splitClauses,
  type Interpretation,
  type Interpreter,
  type RecentTurn,
  type UserEvent,
} from './interpreter.ts';
import { fieldName, renderNotice } from './messages.ts';
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
  /**
   * How long a paused registration (the parent said "later") is kept to be resumed: the club's
   * UNFINISHED_RETENTION_DAYS. The definition's TTL when not given.
   */
  pausedTtlMs?: number;
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
    /** The caller giving up (a hang-up, the deadline): nothing of the turn is saved. */
    cancel?: Cancellation;
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
    cancel?: Cancellation;
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
 * bytes of JSON, each clipped. They are the session's journal (SnapshotStore.journal): each turn
 * appends its messages with its save instead of saving them all again.
 */
export const TRANSCRIPT_MAX_BYTES = 24_000;
const TRANSCRIPT_MESSAGE_CHARS = 2_000;
/** What the transcript shows for a photo the parent sent. */
export const PHOTO_SENT = '📎 Photo sent';

/** A turn's messages as the transcript keeps them. */
const shown = (messages: readonly ShownMessage[]): ShownMessage[] =>
  messages.map(({ from, text }) => ({ from, text: text.slice(0, TRANSCRIPT_MESSAGE_CHARS) }));

/** Messages kept for a model's context, and how much of each. */
const RECENT_TURNS = 6;
const RECENT_CHARS = 500;

const Message = z.object({ from: z.enum(['parent', 'assistant']), text: z.string() });
const parsedMessage = (entry: unknown): ShownMessage | null => {
  const message = Message.safeParse(entry);
  return message.success ? message.data : null;
};

/**
 * What is kept beside the snapshot: the last message applied and the chat this one goes on with.
 * The messages shown are the session's journal (a model's context is read from there too).
 */
const Conversation = z.object({
  /** The messages shown, as versions before the journal kept them: the next turn moves them there. */
  transcript: z.array(Message).optional(),
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
  /**
   * Set on a chat that resumed another chat's paused registration: it goes on with that one. Kept
   * in the chat's own record, read with its lock, so that no message pays an extra lookup.
   */
  aliasOf: SessionId.nullable().default(null),
});
type Conversation = z.infer<typeof Conversation>;

/** Conversations this process made, by the object it saved: read back as they are, not re-checked. */
const madeHere = new WeakMap<object, Conversation>();

/** The conversation kept beside a stored session: checked, unless this process made that very object. */
function conversationOf(extra: Record<string, unknown> | undefined): Conversation {
  return (extra && madeHere.get(extra)) ?? Conversation.parse(extra ?? {});
}

/** A conversation to save, remembered as made here (its copy needs no check on the next turn). */
function made(conversation: Conversation): Conversation {
  madeHere.set(conversation, Object.freeze(conversation));
  return conversation;
}

/** The wall clock to a fraction of a millisecond, comparable between processes of one machine. */
const preciseNow = () => performance.timeOrigin + performance.now();

/**
 * A message's digest: a turn asks twice (a resend? what was applied?), with other turns' messages
 * in between when many parents type at once, so those of the turns in flight are remembered.
 */
const digestOf = remembered(
  (text) => createHash('sha256').update(text.trim().toLowerCase().normalize('NFKC')).digest('hex'),
  100,
);

const DAY_MS = 24 * 3600_000;
/** Wrong code-and-secret tries of one code in a day before resuming by secret is refused for it. */
const MAX_RESUME_TRIES = 10;

/** The same code however it was typed: kind, team, age group and season. */
const codeKey = (code: RegistrationCode) =>
  `${code.kind}|${code.team.toLowerCase()}|${code.ageGroup.toUpperCase()}|${code.season}`;
const hashed = (text: string) => createHash('sha256').update(text).digest('hex');
/** Where a paused registration is found from a new chat: its code and one thing the family knows. */
const ticketKey = (code: RegistrationCode, secret: string) =>
  `chat:resume:${hashed(`${codeKey(code)}|${secret}`)}`;

const stateName = (snapshot: SessionSnapshot) =>
  typeof snapshot.value === 'string'
    ? snapshot.value
    : Object.entries(snapshot.value)
        .map(([parent, child]) => `${parent}.${String(child)}`)
        .join(',');

type SessionActor = Actor<typeof sessionMachine>;

export function createChatService(deps: ChatServiceDeps): ChatService {
  const { club, runner, interpreter, log } = deps;
  const { ledger } = deps.ports;
  const now = deps.now ?? (() => new Date());
  const definition: SessionDefinition = sessionDefinition({
    club,
    publicBaseUrl: deps.publicBaseUrl,
    now,
  });
  const pausedTtlMs = deps.pausedTtlMs ?? definition.ttlMs;
  const keptDays = Math.round(pausedTtlMs / DAY_MS);

  /** Today's date (YYYY-MM-DD), formatted once a day rather than at every look. */
  let day = { start: 0, end: 0, iso: '' };
  const today = () => {
    const ms = now().getTime();
    if (ms < day.start || ms >= day.end || Number.isNaN(ms)) {
      const iso = todayIso(new Date(ms));
      const start = Date.parse(`${iso}T00:00:00Z`);
      day = { start, end: start + DAY_MS, iso };
    }
    return day.iso;
  };

  const viewOf = (snapshot: SessionSnapshot): RoutineView => ({
    draft: snapshot.context.draft,
    club,
    team: snapshot.context.team,
    today: today(),
    siblingRegistered: snapshot.context.siblingRegistered === true,
    previousParent: snapshot.context.previousParent,
  });

  function compose(snapshot: SessionSnapshot): string {
    const where = whereIs(snapshot);
    const said = [
      ...new Set(
        snapshot.context.notices.map((notice) => renderNotice(notice, club, { keptDays })),
      ),
    ];
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
      case 'user.commanded':
      case 'user.gaveCode':
      case 'user.gaveInvalidCode':
        return event;
      default:
        return { type: 'user.unclear', reason: "Sorry, I didn't quite catch that." };
    }
  }

  /**
   * The chat's messages, oldest first (only the `last` few when given): those an older version kept
   * in the record until the chat's next turn moves them, then the session's journal.
   */
  async function messagesOf(
    instanceId: SessionId,
    conversation: Conversation,
    last?: number,
  ): Promise<ShownMessage[]> {
    const journal = await runner.journal(
      definition,
      instanceId,
      last === undefined ? {} : { last },
    );
    const messages = [
      ...(conversation.transcript ?? []),
      ...journal.flatMap((entry) => parsedMessage(entry) ?? []),
    ];
    return last === undefined ? messages : messages.slice(-last);
  }

  /** The last few messages of a chat, for a model. */
  async function recentOf(instanceId: SessionId, conversation: Conversation) {
    const messages = await messagesOf(instanceId, conversation, RECENT_TURNS);
    return messages.map(({ from, text }) => ({ from, text: text.slice(0, RECENT_CHARS) }));
  }

  async function understand(
    actor: SessionActor,
    text: string,
    recent: () => Promise<readonly RecentTurn[]>,
    cancel?: Cancellation,
  ): Promise<Interpretation> {
    const snapshot = actor.getSnapshot();
    const where = whereIs(snapshot);
    const understood = await interpreter.interpret({
      text,
      recent,
      agent: where.agent,
      routine: where.routine,
      view: viewOf(snapshot),
      ...(cancel ? { cancel } : {}),
    });
    return { ...understood, event: admit(understood.event, snapshot) };
  }

  /** Routines whose answer may come early, in the same message as the one before. */
  const EARLY: ReadonlySet<QuestionRoutineId> = new Set([
    'childDateOfBirth',
    'parentEmail',
    'parentMobile',
    'parentDateOfBirth',
    'parentPostcode',
  ]);

  /**
   * Two answers in one message ("07911 222333 and my email is sarah@example.com"): once the first
   * moved the parent on, a clause that answers the question now on screen, and not the one before,
   * is kept as its answer (and named in the reply) rather than dropped.
   */
  function laterAnswer(text: string, before: QuestionRoutineId | null, snapshot: SessionSnapshot) {
    const now = whereIs(snapshot).routine;
    if (!now || now === before || !EARLY.has(now) || snapshot.context.correcting) return null;
    const clauses = splitClauses(text);
    if (clauses.length < 2) return null;
    const view = viewOf(snapshot);
    for (const clause of clauses) {
      const answered = readAnswer(routines[now], clause, view);
      const earlier = before ? readAnswer(routines[before], clause, view) : { ok: false };
      if (answered.ok && !earlier.ok) {
        const shown = Object.values(answered.value).flatMap((value) =>
          typeof value !== 'string'
            ? []
            : /^\d{4}-\d{2}-\d{2}$/.test(value)
              ? [formatUkDate(value)]
              : [value],
        );
        return { routine: now, answer: answered.value, shown: shown.join(' ') };
      }
    }
    return null;
  }

  const numberOf = (actor: SessionActor) => whereIs(actor.getSnapshot()).number;

  /**
   * The registration this chat goes on with (its own, or the one it resumed from another chat)
   * and that registration as stored: one read when the chat resumed none.
   */
  async function located(sessionId: SessionId) {
    const own = await runner.peek(definition, sessionId);
    const alias = own ? conversationOf(own.stored.extra).aliasOf : null;
    if (alias === null) return { instanceId: sessionId, found: own };
    return { instanceId: alias, found: await runner.peek(definition, alias) };
  }

  /** "later": the paused registration can be found from a new chat with its code and a secret. */
  async function leaveTickets(instanceId: SessionId, snapshot: SessionSnapshot) {
    const { code, draft } = snapshot.context;
    if (!code) return;
    for (const secret of [draft.parentMobile, draft.childDateOfBirth]) {
      if (secret) await ledger.set(ticketKey(code, secret), instanceId, pausedTtlMs);
    }
  }

  /**
   * A first message of a new chat carrying a code and the parent's mobile (or the child's date of
   * birth): the paused registration it names, or null. Guessing is bounded per code and day.
   */
  async function pausedFor(sessionId: SessionId, text: string): Promise<SessionId | null> {
    const code = readRegistrationCode(text, club);
    if (!code.found || !code.ok) return null;
    const rest = text.normalize('NFKC').replace(code.code.raw, ' ');
    const secrets = [parseUkMobile(rest), parseDate(rest, today())].flatMap((parsed) =>
      parsed.ok ? [parsed.value] : [],
    );
    if (secrets.length === 0) return null;
    const triesKey = `chat:resume-tries:${hashed(codeKey(code.code))}`;
    const tries = Number(await ledger.get(triesKey)) || 0;
    if (tries >= MAX_RESUME_TRIES) return null;
    for (const secret of secrets) {
      const found = await ledger.get(ticketKey(code.code, secret));
      if (typeof found === 'string' && found !== sessionId) {
        const stored = await runner.peek(definition, found as SessionId).catch(() => null);
        if (stored) return found as SessionId;
      }
    }
    await ledger.set(triesKey, tries + 1, DAY_MS);
    return null;
  }

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
    /** This chat goes on with another chat's registration: nothing is saved here. */
    elsewhere?: SessionId;
    /** This chat resumed that registration from now on (saved with this chat's record). */
    resumes?: SessionId;
    /** What the message was understood as (the event's type), for the turn's log line. */
    understood?: string;
  }>;

  /** One turn of the session through the runner: restore, this step's events, effects, save, reply. */
  function turn(
    sessionId: SessionId,
    deadline: { cancel?: Cancellation | undefined; notAfter?: number | undefined },
    step: Step,
    options: { instanceId?: SessionId; onProgress?: (progress: TurnProgress) => void } = {},
  ) {
    const { cancel, notAfter } = deadline;
    const instanceId = options.instanceId ?? sessionId;
    const started = performance.now();
    return runner.turn(
      definition,
      instanceId,
      async (actor, { stored, restarted }) => {
        const conversation = conversationOf(stored?.extra);
        const numberBefore = whereIs(actor.getSnapshot()).number;
        // A turn starts by clearing the last turn's notices; with none there is nothing to clear.
        if (actor.getSnapshot().context.notices.length > 0) actor.send({ type: 'turn.started' });
        if (restarted) actor.send({ type: 'session.restarted' });
        const done = await step(actor, conversation, stored === null);
        return (snapshot) => {
          const turnResult = result(sessionId, snapshot);
          if (done.elsewhere !== undefined) return { result: turnResult, save: false };
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
            ...(done.understood ? { understood: done.understood } : {}),
            routine: turnResult.routineNumber,
            ms: Math.round(performance.now() - started),
          });
          const finished = snapshot.hasTag('finished');
          const ttlMs =
            snapshot.context.paused === true || done.resumes !== undefined
              ? pausedTtlMs
              : finished
                ? deps.finishedTtlMs
                : undefined;
          return {
            result: turnResult,
            extra: made({
              last,
              aliasOf: done.resumes ?? conversation.aliasOf,
            }),
            journal: {
              add: shown([
                ...(conversation.transcript ?? []),
                ...(done.said === null
                  ? []
                  : [{ from: 'parent' as const, text: done.shown ?? done.said }]),
                { from: 'assistant' as const, text: turnResult.reply },
              ]),
              keepBytes: TRANSCRIPT_MAX_BYTES,
            },
            ...(ttlMs ? { ttlMs } : {}),
            // A registration finished here is done with: its next message, if any, loads it.
            keep: !finished,
          };
        };
      },
      {
        ports: deps.ports,
        ...(cancel ? { cancel } : {}),
        ...(notAfter === undefined ? {} : { notAfter }),
        ...(options.onProgress
          ? {
              onEffect: (effect: EffectProgress) =>
                options.onProgress?.({ type: 'effect', ...effect }),
            }
          : {}),
      },
    );
  }

  return {
    reply: async ({ sessionId, text, hint, cancel, notAfter, admitNew, onProgress }) => {
      const receivedAt = preciseNow();
      const paused = await pausedFor(sessionId, text);
      if (paused) {
        const here = await runner.peek(definition, sessionId).catch(() => null);
        const resumed = here ? conversationOf(here.stored.extra).aliasOf : null;
        if (resumed === null && (here === null || here.snapshot.matches('generic'))) {
          // This chat goes on with the paused registration from now on.
          await turn(sessionId, { cancel, notAfter }, async () => ({
            said: null,
            resumes: paused,
          }));
          log('session.resumedElsewhere', {});
          return turn(
            sessionId,
            { cancel, notAfter },
            async (actor) => {
              actor.send({ type: 'session.resumed' });
              return { said: '[resumed]', applied: true };
            },
            { instanceId: paused, ...(onProgress ? { onProgress } : {}) },
          );
        }
      }
      let elsewhere: SessionId | null = null;
      const answer = (instanceId: SessionId) =>
        turn(
          sessionId,
          { cancel, notAfter },
          async (actor, conversation, isNew) => {
            if (instanceId === sessionId && conversation.aliasOf) {
              elsewhere = conversation.aliasOf;
              return { said: null, elsewhere };
            }
            if (isNew && admitNew) await admitNew();
            if (isResend(conversation.last, text, hint, receivedAt)) {
              return { said: text, resend: conversation.last?.reply ?? '' };
            }
            const wasPaused = actor.getSnapshot().context.paused === true;
            const routineBefore = whereIs(actor.getSnapshot()).routine;
            if (wasPaused) actor.send({ type: 'session.resumed' });
            const understood = await understand(
              actor,
              text,
              () => recentOf(instanceId, conversation),
              cancel,
            );
            const { event } = understood;
            onProgress?.({ type: 'understood', event: event.type, routine: numberOf(actor) });
            let { preface } = understood;
            // "hi" after a pause only wakes the registration up; it is not read as an answer.
            if (!(wasPaused && (event.type === 'user.chatted' || event.type === 'user.unclear'))) {
              actor.send(event);
            }
            const applyCorrection = (correction: UserEvent) => {
              if (
                correction.type === 'user.corrected' &&
                correction.answer &&
                whereIs(actor.getSnapshot()).routine === correction.routine
              ) {
                actor.send({ type: 'user.answered', answer: correction.answer });
              }
            };
            applyCorrection(event);
            // Several corrections in one message: each applied in turn, and each named.
            const also = (understood.also ?? []).map((more) => admit(more, actor.getSnapshot()));
            for (const more of also) {
              actor.send(more);
              applyCorrection(more);
            }
            const named = [event, ...also].flatMap((one) =>
              one.type === 'user.corrected' && one.answer ? [fieldName(one.routine)] : [],
            );
            if (named.length > 1) {
              const list = `${named.slice(0, -1).join(', ')} and ${named.at(-1) ?? ''}`;
              preface = [preface, `I've changed ${list}.`].filter(Boolean).join('\n\n');
            }
            if (event.type === 'user.answered') {
              const extra = laterAnswer(text, routineBefore, actor.getSnapshot());
              if (extra) {
                actor.send({ type: 'user.answered', answer: extra.answer });
                preface = [preface, `I've also noted ${fieldName(extra.routine)}: ${extra.shown}.`]
                  .filter(Boolean)
                  .join('\n\n');
              }
            }
            const landed = actor.getSnapshot();
            if (event.type === 'user.commanded' && landed.context.paused === true) {
              await leaveTickets(instanceId, landed);
            }
            return {
              said: text,
              applied: true,
              understood: event.type,
              ...(preface ? { preface } : {}),
            };
          },
          { instanceId, ...(onProgress ? { onProgress } : {}) },
        );
      const first = await answer(sessionId);
      return elsewhere === null ? first : answer(elsewhere);
    },
    async uploadedPhoto({ sessionId, uploadId, cancel, notAfter }) {
      // The photo check (a model call, seconds) runs before the turn, not while holding the lock.
      const { instanceId, found: before } = await located(sessionId).catch((error: unknown) => {
        // A stale session: the turn itself restarts it politely.
        if (error instanceof SnapshotIncompatibleError)
          return { instanceId: sessionId, found: null };
        throw error;
      });
      const wanted =
        before !== null &&
        whereIs(before.snapshot).routine === 'photo' &&
        before.snapshot.context.lastUploadId !== uploadId;
      const refused =
        wanted && deps.photoCheck ? await deps.photoCheck(uploadId, cancel?.signal) : null;
      return turn(
        sessionId,
        { cancel, notAfter },
        async (actor) => {
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
        },
        { instanceId },
      );
    },
    async peek(sessionId) {
      const { found } = await located(sessionId);
      return found ? result(sessionId, found.snapshot) : null;
    },
    async transcript(sessionId) {
      const { instanceId, found } = await located(sessionId);
      if (!found) return null;
      const { agent, routineNumber } = result(sessionId, found.snapshot);
      const messages = await messagesOf(instanceId, conversationOf(found.stored.extra));
      return { messages, agent, routineNumber };
    },
  };
}
