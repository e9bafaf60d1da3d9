import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/** What the fake model does with one request. */
export type ModelReply =
  /** Structured output: the value as JSON text. */
  | { type: 'json'; value: unknown }
  /** Raw output text, e.g. something that is not JSON at all. */
  | { type: 'text'; text: string }
  | { type: 'toolCall'; name: string; args: unknown }
  | { type: 'refusal'; text: string }
  /** An HTTP error (429, 500...); `retryAfterMs` keeps the SDK's backoff short in tests. */
  | { type: 'status'; status: number; retryAfterMs?: number }
  /** Never answers: the client's timeout must end it. */
  | { type: 'hang' }
  /** A 200 whose body is not JSON. */
  | { type: 'garbage' };

const InputItem = z.looseObject({
  type: z.string().optional(),
  role: z.string().optional(),
  content: z.unknown().optional(),
  output: z.unknown().optional(),
});
/** The parts of a Responses API request the fake reads; everything else is kept as sent. */
export const ResponsesRequest = z.looseObject({
  model: z.string(),
  instructions: z.string().nullish(),
  input: z.union([z.string(), z.array(InputItem)]),
  tools: z.array(z.looseObject({ type: z.string(), name: z.string().optional() })).optional(),
  tool_choice: z.unknown().optional(),
  text: z.looseObject({ format: z.looseObject({ name: z.string().optional() }) }).optional(),
});
export type ResponsesRequest = z.infer<typeof ResponsesRequest>;

export type Responder = (request: ResponsesRequest) => ModelReply;
export type Step = ModelReply | Responder;

export interface ResponsesServer {
  /** The base URL to give the OpenAI client (`.../v1`). */
  baseUrl: string;
  /** Every request received, in order, as parsed JSON. */
  requests: ResponsesRequest[];
  /** Queues replies; each is used once, in order. */
  script(...steps: Step[]): void;
  /** Answers whenever the queue is empty (a scripted model that answers by routine). */
  otherwise(responder: Responder | null): void;
  remaining(): number;
  /** Stops the server; throws when a request arrived with nothing left to answer it. */
  close(): Promise<void>;
}

/** The deterministic token estimate the fake reports: ceil(characters / 4). */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4);

/** The prompt the fake counts as input: instructions, input items, tools and output format. */
export const promptText = (request: ResponsesRequest) =>
  JSON.stringify([
    request.instructions ?? '',
    request.input,
    request.tools ?? [],
    request.text ?? {},
  ]);

/** The text of the last user message of a request. */
export function lastUserText(request: ResponsesRequest): string {
  if (typeof request.input === 'string') return request.input;
  const users = request.input.filter((item) => item.role === 'user');
  const content = users.at(-1)?.content;
  if (typeof content === 'string') return content;
  const parts = z.array(z.looseObject({ text: z.string().optional() })).safeParse(content);
  return parts.success ? parts.data.map((part) => part.text ?? '').join(' ') : '';
}

/** The name of the output format, e.g. `routine_parentName`. */
export const formatName = (request: ResponsesRequest) => request.text?.format.name ?? null;

let counter = 0;
const id = (prefix: string) => `${prefix}_${(counter += 1).toString(16).padStart(8, '0')}`;

type Answer = Extract<ModelReply, { type: 'json' | 'text' | 'toolCall' | 'refusal' }>;

const textOf = (reply: Answer) =>
  reply.type === 'json'
    ? JSON.stringify(reply.value)
    : reply.type === 'toolCall'
      ? `${reply.name}${JSON.stringify(reply.args)}`
      : reply.text;

function outputItem(reply: Answer) {
  if (reply.type === 'toolCall') {
    return {
      type: 'function_call',
      id: id('fc'),
      call_id: id('call'),
      name: reply.name,
      arguments: JSON.stringify(reply.args),
      status: 'completed',
    };
  }
  const content =
    reply.type === 'refusal'
      ? { type: 'refusal', refusal: reply.text }
      : { type: 'output_text', text: textOf(reply), annotations: [] };
  return {
    type: 'message',
    id: id('msg'),
    role: 'assistant',
    status: 'completed',
    content: [content],
  };
}

function responseBody(request: ResponsesRequest, reply: Answer) {
  const inputTokens = estimateTokens(promptText(request));
  const outputTokens = estimateTokens(textOf(reply));
  return {
    id: id('resp'),
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    model: request.model,
    output: [outputItem(reply)],
    error: null,
    incomplete_details: null,
    instructions: request.instructions ?? null,
    metadata: {},
    parallel_tool_calls: true,
    temperature: 1,
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: 1,
    usage: {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + outputTokens,
    },
  };
}

const send = (
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);

const errorBody = (message: string, type: string) =>
  JSON.stringify({ error: { message, type, code: null, param: null } });

/** A local server speaking the Responses API wire format (POST /v1/responses), for the real SDK. */
export async function startResponsesServer(): Promise<ResponsesServer> {
  const queue: Step[] = [];
  const requests: ResponsesRequest[] = [];
  const unexpected: string[] = [];
  let fallback: Responder | null = null;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url !== '/v1/responses') {
      unexpected.push(`${req.method ?? '?'} ${req.url ?? '?'}`);
      return send(res, 404, errorBody('Not found', 'invalid_request_error'));
    }
    const request = ResponsesRequest.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    requests.push(request);
    const step = queue.shift() ?? fallback;
    if (!step) {
      unexpected.push(
        `request ${requests.length} (${formatName(request) ?? 'no format'}): script ran out`,
      );
      // 400 is not retried, so the client fails at once and the test sees the loud error on close.
      return send(res, 400, errorBody('ResponsesServer: script ran out', 'invalid_request_error'));
    }
    const reply = typeof step === 'function' ? step(request) : step;
    switch (reply.type) {
      case 'hang':
        return;
      case 'garbage':
        return send(res, 200, '{"id": "resp_broken", "output": [');
      case 'status':
        return send(res, reply.status, errorBody(`Scripted ${reply.status}`, 'server_error'), {
          ...(reply.retryAfterMs === undefined
            ? {}
            : { 'retry-after-ms': String(reply.retryAfterMs) }),
        });
      default:
        return send(res, 200, JSON.stringify(responseBody(request, reply)));
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      unexpected.push(`handler failed: ${error instanceof Error ? error.message : String(error)}`);
      send(res, 400, errorBody('ResponsesServer: bad request', 'invalid_request_error'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...steps) => void queue.push(...steps),
    otherwise: (responder) => void (fallback = responder),
    remaining: () => queue.length,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (unexpected.length > 0) throw new Error(`ResponsesServer:\n${unexpected.join('\n')}`);
    },
  };
}
