import { pathToFileURL } from 'node:url';
import type { RecentTurn } from '../../machines/interpreter.ts';
import { createLlmMetrics } from '../../machines/llm-interpreter.ts';
import { buildRoutinePrompt, type RoutinePromptBuilder } from '../../machines/prompt.ts';
import { startResponsesServer, type ResponsesServer } from '../fakes/responses-server.ts';
import { createHarness } from '../support/harness.ts';
import {
  llmInterpreter,
  MESSY_MESSAGES,
  register,
  scriptedModel,
  type LogEntry,
} from '../llm/scripted-registration.ts';

/**
 * `parserFirst`: the product (the model only for replies the parser does not read surely, a
 * bounded prompt); `transcript`: the model for every message, with the whole chat so far.
 */
export type Strategy = 'parserFirst' | 'transcript';
export type StrategyTokens = {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /** Input plus output tokens per completed registration. */
  perRegistration: number;
  /** Input tokens of the first and the last model call of a registration: growth over the chat. */
  firstTurnInput: number;
  lastTurnInput: number;
};
export type TokenBench = { registrations: number } & Record<Strategy, StrategyTokens> & {
    /** Our tokens per registration as a share of the whole-transcript strategy's. */
    share: number;
  };

/** What issue 15 asks of the product on this registration. */
export const TARGETS = { callsPerRegistration: 5, share: 0.25 };

/** The naive strategy: the same instructions without the facts, and the whole chat so far. */
function transcriptPrompt(transcript: readonly RecentTurn[]): RoutinePromptBuilder {
  return (turn, id, club, options = {}) => {
    const prompt = buildRoutinePrompt({ ...turn, recent: [] }, id, club, {
      ...options,
      facts: false,
    });
    const history = transcript.map(({ from, text }) => ({
      role: from === 'parent' ? ('user' as const) : ('assistant' as const),
      text,
    }));
    return { ...prompt, messages: [...history, ...prompt.messages] };
  };
}

async function run(server: ResponsesServer, strategy: Strategy, registrations: number) {
  const metrics = createLlmMetrics();
  const logs: LogEntry[] = [];
  let firstRegistration: LogEntry[] = [];
  for (let count = 0; count < registrations; count += 1) {
    const transcript: RecentTurn[] = [];
    const prompt = strategy === 'transcript' ? transcriptPrompt(transcript) : undefined;
    const interpreter = llmInterpreter(server, logs, {
      metrics,
      ...(prompt ? { prompt, modelEveryTurn: true } : {}),
    });
    const harness = await createHarness({ interpreter });
    const say = harness.say;
    harness.say = async (text) => {
      const result = await say(text);
      transcript.push({ from: 'parent', text }, { from: 'assistant', text: result.reply });
      return result;
    };
    const replies = await register(harness, MESSY_MESSAGES);
    if (replies.at(-1)?.state !== 'newRegistration.registered') {
      throw new Error(`The ${strategy} registration did not complete`);
    }
    if (count === 0) firstRegistration = [...logs];
  }
  const { calls, inputTokens, outputTokens } = metrics;
  const turns = firstRegistration.filter((entry) => entry.event === 'llm.usage');
  const inputOf = (entry: LogEntry | undefined) => Number(entry?.data?.['inputTokens'] ?? 0);
  return {
    calls,
    inputTokens,
    outputTokens,
    perRegistration: (inputTokens + outputTokens) / registrations,
    firstTurnInput: inputOf(turns[0]),
    lastTurnInput: inputOf(turns.at(-1)),
  };
}

/** Runs the same scripted registrations with both prompt strategies against one local server. */
export async function runTokenBench(registrations: number): Promise<TokenBench> {
  const server = await startResponsesServer();
  server.otherwise(scriptedModel());
  try {
    const parserFirst = await run(server, 'parserFirst', registrations);
    const transcript = await run(server, 'transcript', registrations);
    const share = parserFirst.perRegistration / transcript.perRegistration;
    return { registrations, parserFirst, transcript, share };
  } finally {
    await server.close();
  }
}

function report(bench: TokenBench): string {
  const row = (label: string, tokens: StrategyTokens) =>
    [
      label.padEnd(36),
      String(tokens.calls / bench.registrations).padStart(7),
      String(Math.round(tokens.inputTokens / bench.registrations)).padStart(9),
      String(Math.round(tokens.outputTokens / bench.registrations)).padStart(8),
      String(Math.round(tokens.perRegistration)).padStart(8),
      `${tokens.firstTurnInput} → ${tokens.lastTurnInput}`.padStart(16),
    ].join('');
  const calls = bench.parserFirst.calls / bench.registrations;
  const verdict = (ok: boolean) => (ok ? 'ok' : 'OVER TARGET');
  return [
    `Model calls and tokens per completed registration (${bench.registrations} scripted registrations per strategy, one local Responses server).`,
    `The registration: ${MESSY_MESSAGES.length} messages, the test suite's messy replies with three that only a model reads surely`,
    '(a second part after a comma, more words than an answer, a side question answered through club_info).',
    'Tokens are the fake server’s deterministic estimate, not a real tokenizer: input = ceil(chars / 4) of each',
    "request's instructions + input items + tool definitions + output schema; output = ceil(chars / 4) of the reply.",
    'Columns are per registration; calls are requests (a tool round is one more); "turn 1 → last" is the input',
    'tokens of its first and last model-read turn (both requests when it took a tool round).',
    '',
    `${'strategy'.padEnd(36)}${'calls'.padStart(7)}${'input'.padStart(9)}${'output'.padStart(8)}${'total'.padStart(8)}${'turn 1 → last'.padStart(16)}`,
    row('parser first, bounded prompt', bench.parserFirst),
    row('model every message, whole transcript', bench.transcript),
    '',
    `model calls per registration: ${calls} (target ≤ ${TARGETS.callsPerRegistration}: ${verdict(calls <= TARGETS.callsPerRegistration)})`,
    `tokens, parser first ÷ whole transcript: ${bench.share.toFixed(3)} (target ≤ ${TARGETS.share}: ${verdict(bench.share <= TARGETS.share)})`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const registrations = Number(process.argv[2] ?? 5);
  process.stdout.write(`${report(await runTokenBench(registrations))}\n`);
}
