import { createHash } from 'node:crypto';
import type { SessionId, TurnResult } from '../../machines/chat-service.ts';
import { SessionId as SessionIdSchema } from '../../machines/chat-service.ts';
import type { SessionContext } from '../../machines/setup.ts';
import type { EffectPorts } from '../../machines/effects.ts';
import type { StoredRegistration } from '../../tools/registrations/registrations.ts';
import type { Harness } from '../support/harness.ts';

export const CODE = '200-Lions-U10-2526';

/** A child as the parent types it: the name and date of birth that identify the registration. */
export type Child = { name: string; dateOfBirth: string };

export const LEO: Child = { name: 'Leo Jones', dateOfBirth: '3rd feb 2016' };

/**
 * A whole registration for `child`, each message with the routine it leads to (the journey of
 * test/machines/conversations.test.ts, with the child as a parameter).
 */
export function journey(child: Child = LEO, mobile = '07700 900 123') {
  return [
    [CODE, 1],
    ['Sarah Jones', 2],
    [child.name, 3],
    [child.dateOfBirth, 4],
    ['boy', 5],
    ['no', 6],
    ['yes', 7],
    ['mum', 8],
    [mobile, 9],
    ['sarah@example.com', 10],
    ['yes', 11],
    ['14/07/1985', 12],
    ['M41 0AA', 13],
    ['12', 15],
    ['yes', 16],
    ['yes', 28],
    ['yes', 29],
    ['15', 30],
    ['yes', 32],
    ['M', 33],
    ['number 7', 34],
  ] as const satisfies readonly (readonly [string, number])[];
}

/** The journey's messages from the child's gender (routine 4) to the shirt number (34). */
export const AFTER_THE_CHILD = journey()
  .slice(4)
  .map(([text]) => text);

/** A parent in one chat: messages carry the routine of the last reply, as the club frontend sends them. */
export type Parent = {
  sessionId: SessionId;
  /** Sends as the club frontend does; `hint` overrides the routine number it sends. */
  say(text: string, hint?: number | null): Promise<TurnResult>;
  /** Sends with no hint at all (a client that does not say where it was). */
  sayBare(text: string): Promise<TurnResult>;
  sayAll(texts: readonly string[]): Promise<TurnResult>;
  /** Sends the journey's messages until the reply shows `routine` (35 uploads the photo). */
  reach(routine: number, child?: Child): Promise<TurnResult>;
  uploadPhoto(): Promise<TurnResult>;
  /** The stored session's context (null when there is none). */
  context(): Promise<SessionContext | null>;
  /** The stored session's state as the chat service names it. */
  state(): Promise<string | null>;
};

/** A parent chatting through `harness`, in its own session or in `sessionId` when given. */
export function aParent(harness: Harness, sessionId: string = harness.sessionId): Parent {
  const id = SessionIdSchema.parse(sessionId);
  let routineNumber: number | null = null;
  const remember = (turn: TurnResult) => {
    routineNumber = turn.routineNumber;
    return turn;
  };
  const parent: Parent = {
    sessionId: id,
    say: async (text, hint) =>
      remember(
        await harness.chat.reply({
          sessionId: id,
          text,
          hint: { routineNumber: hint === undefined ? routineNumber : hint },
        }),
      ),
    sayBare: async (text) => remember(await harness.chat.reply({ sessionId: id, text })),
    async sayAll(texts) {
      let last: TurnResult | null = null;
      for (const text of texts) last = await parent.say(text);
      if (!last) throw new Error('sayAll needs at least one message');
      return last;
    },
    async reach(routine, child = LEO) {
      let last: TurnResult | null = null;
      for (const [text, after] of journey(child)) {
        if (after > routine) break;
        last = await parent.say(text);
        if (last.routineNumber !== after) {
          throw new Error(`"${text}" led to ${String(last.routineNumber)}, not ${after}`);
        }
        if (after === routine) return last;
      }
      if (routine === 35) return parent.uploadPhoto();
      if (!last) throw new Error(`The journey never reaches ${routine}`);
      return last;
    },
    async uploadPhoto() {
      const uploadId = await harness.ports.photos.stage(
        new Uint8Array([0xff, 0xd8, 0xff, 0xe0]),
        'image/jpeg',
      );
      return remember(await harness.chat.uploadedPhoto({ sessionId: id, uploadId }));
    },
    async context() {
      const stored = await harness.snapshots.load({ machine: 'session', id });
      return stored ? ((stored.snapshot as { context: SessionContext }).context ?? null) : null;
    },
    async state() {
      return (await harness.chat.peek(id))?.state ?? null;
    },
  };
  return parent;
}

/** What the outside world holds: records, billing requests and texts. */
export async function outcomes(harness: Harness) {
  const { count } = harness.db
    .prepare('SELECT count(*) AS count FROM simulated_billing_requests')
    .get() as { count: number };
  return {
    records: (await harness.ports.registrations.list()).length,
    billingRequests: count,
    texts: (await harness.ports.sms.list()).length,
  };
}

/** The only stored record, failing when there is not exactly one. */
export async function theRecord(harness: Harness): Promise<StoredRegistration> {
  const records = await harness.ports.registrations.list();
  if (records.length !== 1) throw new Error(`Expected one record, found ${records.length}`);
  return records[0] as StoredRegistration;
}

/** The club's hand-off flag for a session, as flagForClub writes it (`handoff.<owner digest>`). */
export function handOffFlag(harness: Harness, sessionId: string) {
  const owner = createHash('sha256').update(`session:${sessionId}`).digest('hex').slice(0, 16);
  return harness.ports.ledger.get(`handoff.${owner}`);
}

/** Replaces one port method with one that fails while `broken`, counting its calls. */
export function breakMethod(
  ports: EffectPorts,
  port: keyof EffectPorts,
  method: string,
  fault: () => Error,
) {
  const target = ports[port] as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = target[method]?.bind(target);
  if (!original) throw new Error(`${port} has no ${method}`);
  const state = { calls: 0, broken: true };
  target[method] = async (...args) => {
    state.calls += 1;
    if (state.broken) throw fault();
    return original(...args);
  };
  return state;
}
