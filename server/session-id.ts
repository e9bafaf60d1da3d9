import { SessionId } from '../machines/chat-service.ts';
import { HttpError } from './http-errors.ts';
import { remembered } from '../tools/remembered.ts';

/**
 * Session ids are bearer secrets the client may choose (the club frontend makes its own), so an id
 * is accepted only if it is hard to guess. The estimate is deliberately conservative: words
 * ("session", "chat"), numbers of up to 13 digits (counters, millisecond timestamps), repeated
 * characters, runs like "abc"/"321" and a repeated block count for nothing; what is left counts
 * log2(alphabet) bits per character. The club frontend's `session-<ms>-<9 base-36 characters>`
 * scores about 46 bits; our own `session-<uuid>` far more.
 */
export const MIN_SESSION_ID_BITS = 30;
/** At least this many characters in all (the frontend's are 31). */
export const MIN_SESSION_ID_LENGTH = 16;

/** What a client is told when its id is refused. */
export const WEAK_SESSION_ID_MESSAGE =
  'session_id is too easy to guess: it is a secret, so make it random, at least 16 characters ' +
  'with 8 or more random letters and digits (e.g. "session-" + crypto.randomUUID()), or leave ' +
  'it out and use the session_id of the first reply';

/** What the parent is shown (the frontend keeps its id for the tab). */
export const WEAK_SESSION_ID_RESPONSE =
  "Sorry, this chat can't continue. Please open the registration page in a new tab to start again.";

const WORDS = new Set(['session', 'sess', 'sid', 'chat', 'id', 'user', 'club', 'test', 'tab']);

/** The period of a string made of one block repeated (abcabc, abcab → 3), or its length. */
function period(text: string): number {
  for (let size = 1; size <= text.length / 2; size += 1) {
    const block = text.slice(0, size);
    if (block.repeat(Math.ceil(text.length / size)).startsWith(text)) return size;
  }
  return text.length;
}

/** Characters that add something: not the third of a run like aaa, abc or 987, within one period. */
function effectiveLength(text: string): number {
  const unit = text.slice(0, period(text));
  let count = 0;
  for (let index = 0; index < unit.length; index += 1) {
    const code = unit.charCodeAt(index);
    const previous = unit.charCodeAt(index - 1);
    const before = unit.charCodeAt(index - 2);
    // The third of a run: aaa, abc, 987 (a pair like "ee" is common in random text).
    const step = code - previous;
    if (index >= 2 && step === previous - before && Math.abs(step) <= 1) continue;
    count += 1;
  }
  return count;
}

function alphabetOf(segment: string): number {
  const lower = /[a-z]/.test(segment);
  const upper = /[A-Z]/.test(segment);
  // A random segment of lower-case letters may simply lack digits: count base 36 at least.
  return lower && upper ? 62 : 36;
}

/**
 * The club frontend's ids: `session-<Date.now()>-<up to 9 characters of Math.random().toString(36)>`.
 * Their tail is drawn at random from base 36, so every character counts, even in a tail that happens
 * to look patterned ("99999jihj", all digits): refusing those would strand a parent. A tail shorter
 * than 9 is the whole expansion of a rare random number (0.llswb), not a less random one: it counts
 * as 9 drawn characters. Only a tail nothing random would make (aaaaaaaaa, abcdefghi, abcabcabc) is
 * refused, as a client choosing it.
 */
const CLUB_FRONTEND_ID = /^session-\d{13}-([a-z0-9]{5,11})$/;
/** The characters of Math.random().toString(36) the frontend keeps. */
const FRONTEND_TAIL_CHARACTERS = 9;
/** A frontend tail with fewer effective characters than this was typed, not drawn. */
const TYPED_TAIL_AT_MOST = 3;

/** A conservative estimate of the bits of an id an attacker would have to guess. */
export function sessionIdBits(id: string): number {
  const frontend = CLUB_FRONTEND_ID.exec(id)?.[1];
  if (frontend) {
    const typed = effectiveLength(frontend) <= TYPED_TAIL_AT_MOST;
    return typed ? 0 : Math.max(frontend.length, FRONTEND_TAIL_CHARACTERS) * Math.log2(36);
  }
  let bits = 0;
  for (const segment of id.split(/[-_]+/)) {
    if (segment === '' || WORDS.has(segment.toLowerCase())) continue;
    const effective = effectiveLength(segment);
    if (/^\d+$/.test(segment)) {
      if (segment.length > 13) bits += effective * Math.log2(10);
      continue;
    }
    bits += effective * Math.log2(alphabetOf(segment));
  }
  return bits;
}

/** Null when `id` is strong enough to be a session's secret, else why not. */
export const weakSessionIdReason = remembered(
  (id: string): string | null => {
    if (!SessionId.safeParse(id).success) return 'not 8-100 letters, digits, "-" or "_"';
    if (id.length < MIN_SESSION_ID_LENGTH) return 'too short';
    if (sessionIdBits(id) < MIN_SESSION_ID_BITS) return 'too predictable';
    return null;
  },
  // A chat sends the same id with every message: the ids of the last thousand are weighed once.
  1_000,
);

/** Fails the request with a 400 that says how to make an id, unless `id` is strong enough. */
export function requireStrongSessionId(id: string): void {
  const reason = weakSessionIdReason(id);
  if (reason === null) return;
  throw new HttpError(
    400,
    'weak_session_id',
    `${WEAK_SESSION_ID_MESSAGE} (this one is ${reason})`,
    {
      response: WEAK_SESSION_ID_RESPONSE,
    },
  );
}
