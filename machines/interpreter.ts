import type { ClubConfig } from '../routines/club.ts';
import type { RoutineView } from '../routines/define-routine.ts';
import { routines, type QuestionRoutineId } from '../routines/index.ts';
import { readRegistrationCode } from '../routines/registration-code.ts';
import { readAnswer } from '../routines/validate.ts';
import type { Cancellation } from '../tools/cancellation.ts';
import { holdsOnlyAnswer } from './confidence.ts';
import { answerFromFaq, looksLikeQuestion, opensLikeQuestion } from './faq.ts';
import { MENTIONABLE } from './registration.machine.ts';
import type { Agent, SessionEvent } from './setup.ts';
import {
  asksAboutNoOwnContact,
  DEFERRAL_REPLY,
  PLACEHOLDER_REPLY,
  isDeferral,
  isPlaceholder,
  isWhyQuestion,
  saysNoOwnContact,
  readCommand,
} from './side-talk.ts';

/** What a parent's message meant, as an event the machine understands. */
export type UserEvent = Extract<
  SessionEvent,
  {
    type:
      | 'user.answered'
      | 'user.unclear'
      | 'user.asked'
      | 'user.chatted'
      | 'user.commanded'
      | 'user.corrected'
      | 'user.gaveCode'
      | 'user.gaveInvalidCode';
  }
>;

/** One earlier message, kept so that a model can read the last few turns (never the whole chat). */
export type RecentTurn = { from: 'parent' | 'assistant'; text: string };

export type TurnInput = {
  text: string;
  /** The last few messages, oldest first: read (from the chat's journal) only when wanted. */
  recent: () => Promise<readonly RecentTurn[]>;
  agent: Agent;
  /** The routine on screen, or null when no routine is (generic or returning-player agent). */
  routine: QuestionRoutineId | null;
  view: RoutineView;
  /** The caller giving up: a model call is stopped (its signal is made only for a model call). */
  cancel?: Cancellation;
};

/**
 * What a message meant, and optionally a short friendly line (from a model) to say before the
 * reply; `also`: further corrections in the same message, applied after it in order.
 */
export type Interpretation = { event: UserEvent; preface?: string; also?: UserEvent[] };

/** Reads a message into one event. It may understand; it never decides where the flow goes. */
export interface Interpreter {
  interpret(turn: TurnInput): Promise<Interpretation>;
}

const CORRECTION_LEAD = /^\s*(sorry|actually|oops|correction|wait|i meant|change|no,? )/i;
const AFTER_LINK_WORD = /\b(?:is|was|should be|to|it'?s)\b:?\s*(.+)$/i;

/** Which earlier answer a message names, by the longest mention that appears in it. */
function mentionedRoutine(text: string): QuestionRoutineId | null {
  const lower = text.toLowerCase();
  let best: { id: QuestionRoutineId; length: number } | null = null;
  for (const id of MENTIONABLE) {
    for (const mention of routines[id].mentions ?? []) {
      if (lower.includes(mention) && (!best || mention.length > best.length))
        best = { id, length: mention.length };
    }
  }
  return best?.id ?? null;
}

const PLAYER_CONTACT = { parentMobile: 'playerMobile', parentEmail: 'playerEmail' } as const;

/**
 * "he hasn't got an email" at the summary names an e-mail, but it is the player's (24) that has
 * none, not the parent's: when the player's own contact was asked and nothing says "I" or "my".
 */
function aboutThePlayer(turn: TurnInput, target: QuestionRoutineId | null) {
  if (target !== 'parentMobile' && target !== 'parentEmail') return target;
  const player = PLAYER_CONTACT[target];
  const { draft } = turn.view;
  const asked =
    player === 'playerMobile'
      ? draft.playerMobile !== undefined || draft.playerHasNoMobile !== undefined
      : draft.playerEmail !== undefined || draft.playerHasNoEmail !== undefined;
  const aboutTheParent = /\b(?:i|my|me|mine|im|ive)\b/i.test(turn.text);
  return asked && !aboutTheParent && saysNoOwnContact(turn.text, player) ? player : target;
}

/** "sorry, my email is x@y.com" → a correction of parentEmail, re-validated by that routine. */
export function readCorrection(turn: TurnInput): UserEvent | null {
  const atSummary = turn.routine === 'confirmDetails';
  if (!atSummary && !CORRECTION_LEAD.test(turn.text)) return null;
  // "no email" at 24 answers the question on screen; it corrects nothing.
  if (saysNoOwnContact(turn.text, turn.routine)) return null;
  const target = aboutThePlayer(turn, mentionedRoutine(turn.text));
  if (!target || target === turn.routine) return null;
  const value = AFTER_LINK_WORD.exec(turn.text)?.[1] ?? turn.text;
  const answer = readAnswer(routines[target], value, turn.view);
  return { type: 'user.corrected', routine: target, answer: answer.ok ? answer.value : null };
}

/**
 * What is said around the answers, read before any routine's parser so that it is never stored as
 * one: a command ("stop", "later"), "why do you need this?", a deferral or a placeholder.
 */
export function readSideTalk(turn: TurnInput): UserEvent | null {
  const command = readCommand(turn.text);
  if (command) return { type: 'user.commanded', command };
  if (turn.routine === null) return null;
  if (isWhyQuestion(turn.text) || asksAboutNoOwnContact(turn.text, turn.routine))
    return { type: 'user.asked', answer: routines[turn.routine].why };
  if (isDeferral(turn.text)) return { type: 'user.unclear', reason: DEFERRAL_REPLY };
  if (isPlaceholder(turn.text, turn.routine))
    return { type: 'user.unclear', reason: PLACEHOLDER_REPLY };
  return null;
}

/** Where one correction ends and the next begins: "…, and my email is …", "…; mobile is …". */
const CLAUSE_BREAK =
  /\s*(?:[,;]\s*(?:and\s+|also\s+|plus\s+)?|\s+(?:and|also|plus)\s+|\.\s+)(?=\S)/i;

/** A message cut where one answer or correction ends and the next begins. */
export const splitClauses = (text: string) =>
  text.split(CLAUSE_BREAK).filter((clause) => clause.trim().length > 0);

/**
 * Several corrections in one message ("my email is x@y.com and my mobile is 07…"): each clause
 * that names an earlier answer, read by that answer's routine. Fewer than two: none.
 */
export function readCorrections(turn: TurnInput): UserEvent[] {
  const atSummary = turn.routine === 'confirmDetails';
  if (!atSummary && !CORRECTION_LEAD.test(turn.text)) return [];
  const clauses = splitClauses(turn.text);
  if (clauses.length < 2) return [];
  const found = clauses.flatMap((clause) => {
    const event = readCorrection({ ...turn, text: `sorry ${clause}` });
    return event && event.type === 'user.corrected' && event.answer ? [event] : [];
  });
  const routinesNamed = new Set(
    found.map((event) => (event.type === 'user.corrected' ? event.routine : '')),
  );
  return found.length >= 2 && routinesNamed.size === found.length ? found : [];
}

/**
 * How surely the offline reading got a message; with a model configured, only `sure` is admitted
 * without a model call.
 * - `sure`: a registration code, an empty message, or a reply the routine's parser accepted and
 *   that holds nothing but that answer (see holdsOnlyAnswer);
 * - `partial`: the parser accepted it, but the message says more (a second clause, a doubt, a
 *   correction word, a number or part the answer does not hold);
 * - `unread`: the parser or the routine's rules did not accept it, or no routine is on screen;
 * - `question`: a side question; `correction`: a change to an earlier answer.
 */
export type Confidence = 'sure' | 'partial' | 'unread' | 'question' | 'correction';
export type OfflineReading = { event: UserEvent; confidence: Confidence };

/** Reads a message with no model (codes, side questions, corrections, the parser), and how surely. */
export function readOffline(turn: TurnInput, club: ClubConfig): OfflineReading {
  const reading = read(turn, club);
  if (reading.confidence !== 'parsed') return reading;
  const sure = holdsOnlyAnswer(turn.text, reading.event.answer);
  return { event: reading.event, confidence: sure ? 'sure' : 'partial' };
}

/**
 * The offline reading, where a reply the routine's parser accepted whole is only `parsed`: whether
 * it holds nothing more (`sure`) matters only when a model could be asked instead.
 */
type Reading =
  OfflineReading | { event: Extract<UserEvent, { type: 'user.answered' }>; confidence: 'parsed' };

function read(turn: TurnInput, club: ClubConfig): Reading {
  const code = readRegistrationCode(turn.text, club);
  if (code.found) {
    const event: UserEvent = code.ok
      ? { type: 'user.gaveCode', code: code.code }
      : { type: 'user.gaveInvalidCode', problem: code.problem };
    return { event, confidence: 'sure' };
  }
  // A command, "why do you need this?", a deferral or a placeholder: read surely, never an answer.
  const side = readSideTalk(turn);
  if (side) return { event: side, confidence: 'sure' };
  if (turn.routine === null) {
    const answer = answerFromFaq(turn.text, club);
    return answer || looksLikeQuestion(turn.text, club)
      ? { event: { type: 'user.asked', answer }, confidence: 'question' }
      : { event: { type: 'user.chatted' }, confidence: turn.text.trim() ? 'unread' : 'sure' };
  }
  const correction = readCorrection(turn);
  if (correction) return { event: correction, confidence: 'correction' };
  if (looksLikeQuestion(turn.text, club)) {
    const event: UserEvent = { type: 'user.asked', answer: answerFromFaq(turn.text, club) };
    return { event, confidence: 'question' };
  }
  const answer = readAnswer(routines[turn.routine], turn.text, turn.view);
  if (answer.ok)
    return { event: { type: 'user.answered', answer: answer.value }, confidence: 'parsed' };
  // Two answers in one message ("Leo Jones, 3/2/2016"): the first clause answers this question;
  // the chat service keeps the rest for the question it leads to.
  const [first, ...rest] = splitClauses(turn.text);
  const firstAnswer =
    first && rest.length > 0 ? readAnswer(routines[turn.routine], first, turn.view) : null;
  if (firstAnswer?.ok) {
    return { event: { type: 'user.answered', answer: firstAnswer.value }, confidence: 'partial' };
  }
  // Not an answer, and asked as a question ("discount for siblings?"): a side question.
  if (
    /\?\s*$/.test(turn.text) ||
    (opensLikeQuestion(turn.text) && answerFromFaq(turn.text, club))
  ) {
    const event: UserEvent = { type: 'user.asked', answer: answerFromFaq(turn.text, club) };
    return { event, confidence: 'question' };
  }
  const event: UserEvent = { type: 'user.unclear', reason: answer.reason };
  return { event, confidence: turn.text.trim() ? 'unread' : 'sure' };
}

/** Understanding with no model at all: codes, commands, side questions, corrections, then the routine's parser. */
export const interpretOffline = (turn: TurnInput, club: ClubConfig): UserEvent =>
  read(turn, club).event;

/** The offline interpreter: the embedded default, and the fallback whenever a model fails. */
export function createOfflineInterpreter(club: ClubConfig): Interpreter {
  return {
    interpret: async (turn) => {
      const event = interpretOffline(turn, club);
      if (event.type !== 'user.corrected') return { event };
      const [first, ...also] = readCorrections(turn);
      return first ? { event: first, also } : { event };
    },
  };
}
