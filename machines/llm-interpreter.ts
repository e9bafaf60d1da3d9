import type { ClubConfig } from '../routines/club.ts';
import { routines, type QuestionRoutineId, uploadOnly } from '../routines/index.ts';
import type { Parsed } from '../routines/parsers/result.ts';
import { readRegistrationCode } from '../routines/registration-code.ts';
import { readAnswer, validateAnswer } from '../routines/validate.ts';
import type { Draft } from '../routines/draft.ts';
import type { AddressSearch } from '../tools/address-lookup/port.ts';
import type { Llm, LlmUsage } from '../tools/openai/openai.ts';
import type { ToolDefinition, ToolPorts } from '../tools/tool.ts';
import type { Log } from './chat-service.ts';
import { answerFromFaq } from './faq.ts';
import {
  readOffline,
  type Interpretation,
  type Interpreter,
  type OfflineReading,
  type TurnInput,
  type UserEvent,
} from './interpreter.ts';
import {
  buildAgentPrompt,
  buildRoutinePrompt,
  type RoutineEnvelope,
  type RoutinePromptBuilder,
} from './prompt.ts';

/** In-memory counters the server can expose: how the model was used, how often it failed, its cost. */
export type LlmMetrics = {
  /** Turns understood from a model reply. */
  modelTurns: number;
  /** Turns read offline with no model call: codes, empty messages, replies the parser read surely. */
  offlineTurns: number;
  /** Turns where the model failed and the offline interpreter answered instead. */
  fallbacks: number;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  photoChecks: number;
  photoRefusals: number;
};

/** Adds one request's usage to the counters and logs it: token counts and the routine, never text. */
export function countUsage(
  metrics: LlmMetrics,
  log: Log,
  usage: LlmUsage,
  routine: number | null,
  outcome: string,
) {
  metrics.calls += usage.calls;
  metrics.inputTokens += usage.inputTokens;
  metrics.outputTokens += usage.outputTokens;
  log('llm.usage', { routine, ...usage, outcome });
}

export const createLlmMetrics = (): LlmMetrics => ({
  modelTurns: 0,
  offlineTurns: 0,
  fallbacks: 0,
  calls: 0,
  inputTokens: 0,
  outputTokens: 0,
  photoChecks: 0,
  photoRefusals: 0,
});

/**
 * One turn that asked the model, for whoever counts them: the requests answered (tool rounds and
 * a repair each add one; none when the transport failed), their tokens, and whether it fell back.
 */
export type ModelCall = { calls: number; tokens: number; fallback: boolean };

export type LlmInterpreterDeps = {
  llm: Llm;
  club: ClubConfig;
  addressLookup: AddressSearch;
  log: Log;
  metrics?: LlmMetrics;
  /** Say the model's short friendly line before the machine's reply (off: templates only). */
  prefaces?: boolean;
  /** Builds a routine turn's prompt; replaced only to measure other prompt strategies. */
  prompt?: RoutinePromptBuilder;
  /** Ask the model about every reply, even one the parser read surely (only to measure or test). */
  modelEveryTurn?: boolean;
  /** Told after every turn that asked the model (not after turns read offline). */
  onModelCall?: (call: ModelCall) => void;
  /**
   * The generic agent's tools for this turn when they are reached another way (MCP mode: the same
   * names and inputs, run through an MCP client); null or absent: the local ones.
   */
  agentTools?: (defaults: readonly ToolDefinition[]) => Promise<readonly ToolDefinition[] | null>;
};

/** Routines answered by an upload, never by text, whatever a model makes of a message. */
const UPLOAD_ONLY: ReadonlySet<QuestionRoutineId> = new Set(uploadOnly());
const UNCLEAR = "Sorry, I didn't quite catch that.";

/** Trimmed and cut to size; null when empty. */
export const clip = (text: string | null, max = 600) => text?.trim().slice(0, max) || null;
export const errorName = (error: unknown) => (error instanceof Error ? error.name : 'unknown');

/** A friendly line fit to go before the machine's own question: short, one line, asks nothing. */
function prefaceOf(reply: string | null): string | null {
  const line = reply?.trim() ?? '';
  return line.length > 0 && line.length <= 160 && !/[?\n]|https?:|@/.test(line) ? line : null;
}

/** The generic agent's answer to any request about records: ours, never the model's words. */
export const recordsRefusal = (club: ClubConfig) =>
  `I can't look up, change or delete any registration or anyone's details in this chat. Please e-mail ${club.adminEmail} and a volunteer will help.`;

const answered = (answer: Parsed<Partial<Draft>>): UserEvent =>
  answer.ok
    ? { type: 'user.answered', answer: answer.value }
    : { type: 'user.unclear', reason: answer.reason };

/** Turns the model's envelope into one event; every value passes the routine's own gate. */
function fromEnvelope(
  envelope: RoutineEnvelope,
  turn: TurnInput,
  id: QuestionRoutineId,
  club: ClubConfig,
  clubInfo: boolean,
): UserEvent {
  const routine = routines[id];
  const unclear = (reason: string | null): UserEvent => {
    const offline = readAnswer(routine, turn.text, turn.view);
    const fallback = offline.ok ? UNCLEAR : offline.reason || UNCLEAR;
    return { type: 'user.unclear', reason: clip(reason, 300) ?? fallback };
  };
  switch (envelope.kind) {
    case 'question': {
      // Without the club_info tool the model's reply has nothing to stand on: the club's words only.
      const reply = clubInfo ? clip(envelope.reply) : null;
      return { type: 'user.asked', answer: reply ?? answerFromFaq(turn.text, club) };
    }
    case 'unclear':
      return unclear(envelope.reason);
    case 'correction': {
      const correction = envelope.correction;
      if (!correction) return unclear(envelope.reason);
      if (correction.routine === id)
        return answered(readAnswer(routine, correction.value, turn.view));
      const answer = readAnswer(routines[correction.routine], correction.value, turn.view);
      return {
        type: 'user.corrected',
        routine: correction.routine,
        answer: answer.ok ? answer.value : null,
      };
    }
    case 'answer':
      if (UPLOAD_ONLY.has(id) || envelope.answer === null) return unclear(envelope.reason);
      return answered(validateAnswer(routine, envelope.answer, turn.view));
  }
}

type Outcome = ({ understood: Interpretation } | { problem: string }) & { usage: LlmUsage };

/** A side question may be in sight: the club_info tool is offered only then. */
const mayAsk = (reading: OfflineReading, text: string, club: ClubConfig) =>
  reading.confidence === 'question' || text.includes('?') || answerFromFaq(text, club) !== null;

/**
 * Understands with a model, within the machine's rules, only where the offline reading is not
 * sure (see Confidence); falls back to the offline reading on any failure.
 */
export function createLlmInterpreter(deps: LlmInterpreterDeps): Interpreter {
  const { llm, club, log } = deps;
  const metrics = deps.metrics ?? createLlmMetrics();
  const buildPrompt = deps.prompt ?? buildRoutinePrompt;
  const ports: ToolPorts = {
    addressLookup: deps.addressLookup,
    clubInfo: (question) => answerFromFaq(question, club),
  };

  const spent = (usage: LlmUsage, routine: number | null, outcome: string) =>
    countUsage(metrics, log, usage, routine, outcome);

  async function routineTurn(
    turn: TurnInput,
    id: QuestionRoutineId,
    reading: OfflineReading,
  ): Promise<Outcome> {
    const clubInfo = mayAsk(reading, turn.text, club);
    const recent = await turn.recent();
    const { tools, ...prompt } = buildPrompt({ ...turn, recent }, id, club, { clubInfo });
    const result = await llm.respond(
      { ...prompt, tools: { definitions: tools, ports } },
      turn.cancel?.signal,
    );
    const usage = result.usage;
    spent(usage, routines[id].number, result.ok ? 'ok' : result.problem);
    if (!result.ok) return { problem: result.problem, usage };
    const event = fromEnvelope(result.value, turn, id, club, clubInfo);
    const preface =
      deps.prefaces === false || event.type !== 'user.answered'
        ? null
        : prefaceOf(result.value.reply);
    return { understood: preface ? { event, preface } : { event }, usage };
  }

  async function agentTurn(turn: TurnInput): Promise<Outcome> {
    const { tools, ...prompt } = buildAgentPrompt(turn.text, club);
    const definitions = (await deps.agentTools?.(tools)) ?? tools;
    const result = await llm.respond(
      { ...prompt, tools: { definitions, ports } },
      turn.cancel?.signal,
    );
    const usage = result.usage;
    spent(usage, null, result.ok ? 'ok' : result.problem);
    if (!result.ok) return { problem: result.problem, usage };
    const { kind, reply } = result.value;
    const event: UserEvent =
      kind === 'records'
        ? { type: 'user.asked', answer: recordsRefusal(club) }
        : kind === 'question'
          ? { type: 'user.asked', answer: clip(reply) ?? answerFromFaq(turn.text, club) }
          : { type: 'user.chatted' };
    return { understood: { event }, usage };
  }

  const told = (usage: LlmUsage | null, fallback: boolean) =>
    deps.onModelCall?.({
      calls: usage?.calls ?? 0,
      tokens: usage ? usage.inputTokens + usage.outputTokens : 0,
      fallback,
    });

  return {
    async interpret(turn) {
      const reading = readOffline(turn, club);
      const byDesign = readRegistrationCode(turn.text, club).found || turn.text.trim() === '';
      if (byDesign || (reading.confidence === 'sure' && deps.modelEveryTurn !== true)) {
        metrics.offlineTurns += 1;
        return { event: reading.event };
      }
      const routine = turn.routine === null ? null : routines[turn.routine].number;
      let problem: string;
      let usage: LlmUsage | null = null;
      try {
        const outcome =
          turn.routine === null
            ? await agentTurn(turn)
            : await routineTurn(turn, turn.routine, reading);
        if ('understood' in outcome) {
          metrics.modelTurns += 1;
          told(outcome.usage, false);
          return outcome.understood;
        }
        ({ problem, usage } = outcome);
      } catch (error) {
        if (turn.cancel?.aborted) throw error;
        problem = errorName(error);
      }
      metrics.fallbacks += 1;
      told(usage, true);
      log('llm.fallback', { routine, problem });
      return { event: reading.event };
    },
  };
}
