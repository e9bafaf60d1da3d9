import { pathToFileURL } from 'node:url';
import type { RecentTurn } from '../../machines/interpreter.ts';
import { createLlmMetrics } from '../../machines/llm-interpreter.ts';
import { buildRoutinePrompt, type RoutinePromptBuilder } from '../../machines/prompt.ts';
import { startResponsesServer, type ResponsesServer } from '../fakes/responses-server.ts';
import { createHarness } from '../support/harness.ts';
import {
  llmInterpreter,
  register,
  scriptedModel,
  type LogEntry,
} from '../llm/scripted-registration.ts';

export type Strategy = 'bounded' | 'transcript';
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
    /** Whole-transcript tokens over ours. */
    ratio: number;
  };

/** The naive strategy: the same instructions without the facts, and the whole chat so far. */
function transcriptPrompt(transcript: readonly RecentTurn[]): RoutinePromptBuilder {
  return (turn, id, club) => {
    const prompt = buildRoutinePrompt({ ...turn, recent: [] }, id, club, { facts: false });
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
  for (let count = 0; count < registrations; count += 1) {
    const transcript: RecentTurn[] = [];
    const prompt = strategy === 'transcript' ? transcriptPrompt(transcript) : undefined;
    const interpreter = llmInterpreter(server, logs, { metrics, ...(prompt ? { prompt } : {}) });
    const harness = await createHarness({ interpreter });
    const say = harness.say;
    harness.say = async (text) => {
      const result = await say(text);
      transcript.push({ from: 'parent', text }, { from: 'assistant', text: result.reply });
      return result;
    };
    const replies = await register(harness);
    if (replies.at(-1)?.state !== 'newRegistration.registered') {
      throw new Error(`The ${strategy} registration did not complete`);
    }
  }
  const { calls, inputTokens, outputTokens } = metrics;
  const turns = logs.filter((entry) => entry.event === 'llm.usage').slice(0, calls / registrations);
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
    const bounded = await run(server, 'bounded', registrations);
    const transcript = await run(server, 'transcript', registrations);
    const ratio = transcript.perRegistration / bounded.perRegistration;
    return { registrations, bounded, transcript, ratio };
  } finally {
    await server.close();
  }
}

function report(bench: TokenBench): string {
  const row = (label: string, tokens: StrategyTokens) =>
    [
      label.padEnd(28),
      String(tokens.calls / bench.registrations).padStart(9),
      String(Math.round(tokens.inputTokens / bench.registrations)).padStart(10),
      String(Math.round(tokens.outputTokens / bench.registrations)).padStart(10),
      String(Math.round(tokens.perRegistration)).padStart(10),
      `${tokens.firstTurnInput} → ${tokens.lastTurnInput}`.padStart(16),
    ].join('');
  return [
    `Model tokens per completed registration (${bench.registrations} scripted registrations per strategy, one local Responses server).`,
    'Tokens are the fake server’s deterministic estimate, not a real tokenizer: input = ceil(chars / 4) of each',
    "request's instructions + input items + tool definitions + output schema; output = ceil(chars / 4) of the reply.",
    'Columns are per registration; "turn 1 → last" is the input tokens of its first and last model call.',
    '',
    `${'strategy'.padEnd(28)}${'calls'.padStart(9)}${'input'.padStart(10)}${'output'.padStart(10)}${'total'.padStart(10)}${'turn 1 → last'.padStart(16)}`,
    row('bounded (facts + 4 recent)', bench.bounded),
    row('whole transcript', bench.transcript),
    '',
    `ratio whole transcript / bounded: ${bench.ratio.toFixed(2)}x`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const registrations = Number(process.argv[2] ?? 5);
  process.stdout.write(`${report(await runTokenBench(registrations))}\n`);
}
