import OpenAI from 'openai';
import { zodResponsesFunction, zodTextFormat } from 'openai/helpers/zod';
import type {
  Response as ModelResponse,
  ResponseFunctionToolCall,
  ResponseInputItem,
} from 'openai/resources/responses/responses';
import { z } from 'zod';
import { ToolUnavailableError, type ToolDefinition, type ToolPorts } from '../tool.ts';

type Log = (event: string, data?: Record<string, unknown>) => void;

export type LlmImage = { bytes: Uint8Array; contentType: string };
/** One message of the conversation the model reads; an image only with a user message. */
export type LlmMessage = { role: 'user' | 'assistant'; text: string; image?: LlmImage };
/** Tokens spent on one request, over all its calls (tool rounds and the repair included). */
export type LlmUsage = { calls: number; inputTokens: number; outputTokens: number };

export type LlmRequest<Output extends z.ZodType> = {
  /** Names the output format (letters, digits, "_" and "-"); it appears in logs. */
  name: string;
  instructions: string;
  messages: readonly LlmMessage[];
  /** The structured output: sent as the JSON schema, and every reply is validated with it. */
  output: Output;
  /** Read-only tools the model may call, run here through `ports`. */
  tools?: { definitions: readonly ToolDefinition[]; ports: ToolPorts };
};

/** Why a reply was not usable although the service answered. */
export type LlmProblem = 'refused' | 'incomplete' | 'invalid' | 'tooManyToolRounds';
export type LlmResult<T> = ({ ok: true; value: T } | { ok: false; problem: LlmProblem }) & {
  usage: LlmUsage;
};

/** A language model that reads a conversation into a structured value. */
export interface Llm {
  /** One structured reply; throws `ToolUnavailableError` when the service cannot be used. */
  respond<Output extends z.ZodType>(
    request: LlmRequest<Output>,
    signal?: AbortSignal,
  ): Promise<LlmResult<z.output<Output>>>;
}

export type OpenAiConfig = {
  apiKey: string;
  model: string;
  baseUrl?: string;
  /** Per attempt; the SDK retries a timeout like a 429 or 5xx, with exponential backoff. */
  timeoutMs: number;
  maxRetries: number;
  /** Reasoning models spend part of this on thinking; too low a cap ends a reply as incomplete. */
  maxOutputTokens?: number;
};

/** Tool rounds per request before the model must answer without tools. */
const MAX_TOOL_ROUNDS = 2;
const MAX_OUTPUT_TOKENS = 2_000;

const toInput = ({ role, text, image }: LlmMessage): ResponseInputItem => {
  if (!image || role !== 'user') return { role, content: text };
  const data = Buffer.from(image.bytes).toString('base64');
  return {
    role,
    content: [
      { type: 'input_text', text },
      { type: 'input_image', detail: 'low', image_url: `data:${image.contentType};base64,${data}` },
    ],
  };
};

const refusalOf = (response: ModelResponse) =>
  response.output.some(
    (item) => item.type === 'message' && item.content.some((content) => content.type === 'refusal'),
  );

/** Parses the model's text with the output schema; the error text is what the repair sends back. */
function readOutput<Output extends z.ZodType>(output: Output, text: string) {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false as const, error: 'The reply was not valid JSON.' };
  }
  const parsed = output.safeParse(json);
  return parsed.success
    ? { ok: true as const, value: parsed.data }
    : { ok: false as const, error: z.prettifyError(parsed.error) };
}

async function runTool(
  call: ResponseFunctionToolCall,
  tools: LlmRequest<z.ZodType>['tools'],
  signal?: AbortSignal,
) {
  const tool = tools?.definitions.find((definition) => definition.name === call.name);
  if (!tool || !tools) return { error: `There is no tool called ${call.name}.` };
  let args: unknown;
  try {
    args = JSON.parse(call.arguments);
  } catch {
    return { error: 'The arguments were not valid JSON.' };
  }
  const input = tool.input.safeParse(args);
  return input.success
    ? tool.run(input.data, tools.ports, signal)
    : { error: z.prettifyError(input.error) };
}

/**
 * Runs the model's tool calls and returns the items that feed their results back. The calls are
 * replayed without their ids: with `store: false` the service keeps no items to refer to.
 */
async function toolResults(
  calls: ResponseFunctionToolCall[],
  tools: LlmRequest<z.ZodType>['tools'],
  signal?: AbortSignal,
): Promise<ResponseInputItem[]> {
  const items: ResponseInputItem[] = [];
  for (const call of calls) {
    const result = await runTool(call, tools, signal);
    items.push(
      { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
      { type: 'function_call_output', call_id: call.call_id, output: JSON.stringify(result) },
    );
  }
  return items;
}

const repairRequest = (text: string, error: string): ResponseInputItem[] => [
  { role: 'assistant', content: text },
  {
    role: 'user',
    content: `That reply did not match the required JSON schema:\n${error}\nReply again with JSON that matches it exactly.`,
  },
];

/** The OpenAI adapter: Responses API, strict structured output, function tools, one repair. */
export function createOpenAiLlm(config: OpenAiConfig, log: Log): Llm {
  const client = new OpenAI({
    apiKey: config.apiKey,
    ...(config.baseUrl ? { baseURL: config.baseUrl } : {}),
    timeout: config.timeoutMs,
    maxRetries: config.maxRetries,
  });

  async function call(
    body: OpenAI.Responses.ResponseCreateParamsNonStreaming,
    name: string,
    signal?: AbortSignal,
  ) {
    const started = Date.now();
    try {
      return await client.responses.create(body, signal ? { signal } : {});
    } catch (error) {
      if (signal?.aborted) throw error;
      log('llm.failed', {
        format: name,
        error: error instanceof Error ? error.name : 'unknown',
        status: error instanceof OpenAI.APIError ? (error.status ?? null) : null,
        ms: Date.now() - started,
      });
      throw new ToolUnavailableError('openai', { cause: error });
    }
  }

  return {
    async respond(request, signal) {
      const tools = (request.tools?.definitions ?? []).map((tool) =>
        zodResponsesFunction({
          name: tool.name,
          parameters: tool.input,
          description: tool.description,
        }),
      );
      const format = zodTextFormat(request.output, request.name);
      const input = request.messages.map(toInput);
      const usage: LlmUsage = { calls: 0, inputTokens: 0, outputTokens: 0 };
      let toolRounds = 0;
      let repaired = false;
      for (;;) {
        const toolChoice = toolRounds < MAX_TOOL_ROUNDS ? 'auto' : 'none';
        const response = await call(
          {
            model: config.model,
            instructions: request.instructions,
            input,
            text: { format },
            max_output_tokens: config.maxOutputTokens ?? MAX_OUTPUT_TOKENS,
            store: false,
            ...(tools.length > 0 ? { tools, tool_choice: toolChoice } : {}),
          },
          request.name,
          signal,
        );
        usage.calls += 1;
        usage.inputTokens += response.usage?.input_tokens ?? 0;
        usage.outputTokens += response.usage?.output_tokens ?? 0;
        const calls = response.output.filter((item) => item.type === 'function_call');
        if (calls.length > 0 && toolRounds >= MAX_TOOL_ROUNDS) {
          return { ok: false, problem: 'tooManyToolRounds', usage };
        }
        if (calls.length > 0) {
          toolRounds += 1;
          input.push(...(await toolResults(calls, request.tools, signal)));
          continue;
        }
        if (refusalOf(response)) return { ok: false, problem: 'refused', usage };
        if (response.status === 'incomplete') return { ok: false, problem: 'incomplete', usage };
        const output = readOutput(request.output, response.output_text);
        if (output.ok) return { ok: true, value: output.value, usage };
        if (repaired) return { ok: false, problem: 'invalid', usage };
        repaired = true;
        log('llm.repair', { format: request.name });
        input.push(...repairRequest(response.output_text, output.error));
      }
    },
  };
}
