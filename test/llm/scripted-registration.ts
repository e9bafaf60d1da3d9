import {
  createLlmInterpreter,
  type LlmMetrics,
  type ModelCall,
} from '../../machines/llm-interpreter.ts';
import type { RoutinePromptBuilder } from '../../machines/prompt.ts';
import { defaultClub } from '../../routines/club.ts';
import { createDemoAddressSearch } from '../../tools/address-lookup/demo.ts';
import { createOpenAiLlm } from '../../tools/openai/openai.ts';
import type { StoredRegistration } from '../../tools/registrations/registrations.ts';
import {
  formatName,
  lastUserText,
  type Responder,
  type ResponsesRequest,
  type ResponsesServer,
} from '../fakes/responses-server.ts';
import type { Harness } from '../support/harness.ts';

export type LogEntry = { event: string; data?: Record<string, unknown> };

/** A whole routine envelope, every key present as the strict schema requires. */
export const envelope = (fields: Record<string, unknown>) => ({
  kind: 'answer',
  answer: null,
  correction: null,
  reason: null,
  reply: null,
  ...fields,
});

export type ScriptRow = {
  says: string;
  routine: string | null;
  reply: Record<string, unknown> | null;
  /** A tool the model calls first, before it replies. */
  tool?: { name: string; args: Record<string, unknown> };
};
const answer = (
  says: string,
  routine: string,
  value: Record<string, unknown>,
  reply: string | null = null,
): ScriptRow => ({
  says,
  routine,
  reply: envelope({ kind: 'answer', answer: value, reply }),
});

/** The messy messages of one registration and what a good model makes of each, by routine. */
export const REGISTRATION: readonly ScriptRow[] = [
  { says: 'hi, my code is 200-Lions-U10-2526', routine: null, reply: null },
  answer('sarah o’brien', 'parentName', { parentFirstName: 'Sarah', parentLastName: "O'Brien" }),
  answer('leo o’brien', 'childName', { childFirstName: 'Leo', childLastName: "O'Brien" }),
  answer('3rd feb 2016', 'childDateOfBirth', { childDateOfBirth: '2016-02-03' }),
  answer('boy', 'childGender', { childGender: 'Male' }),
  answer('nope', 'medicalIssues', { hasMedicalIssues: false, medicalIssues: null }),
  answer('nah', 'playedLastSeason', { playedLastSeason: false }),
  answer('no', 'previousTeam', { previousTeam: null }),
  answer('mum', 'relationship', { relationship: 'Mother' }),
  answer('07700 900 123', 'parentMobile', { parentMobile: '07700900123' }),
  answer('Sarah@Example.com', 'parentEmail', { parentEmail: 'sarah@example.com' }),
  answer('yes', 'communicationConsent', { communicationConsent: true }),
  answer('14/07/1985', 'parentDateOfBirth', { parentDateOfBirth: '1985-07-14' }),
  answer('m32 8jl', 'parentPostcode', { parentPostcode: 'M32 8JL' }),
  answer('12', 'parentHouseNumber', { parentHouseNumber: '12' }),
  answer('yes', 'confirmParentAddress', { parentAddressConfirmed: true }),
  answer('yes', 'childLivesWithParent', { childLivesWithParent: true }),
  answer('yes', 'confirmDetails', { detailsConfirmed: true }),
  answer('15th', 'paymentDay', { paymentDay: 15 }),
  answer('yes', 'paymentLinkReceived', { paymentLinkReceived: true }),
  answer('9-10', 'kitSize', { kitSize: '9/10' }),
  answer('number 7', 'shirtNumber', { shirtNumber: 7 }),
];
export const REGISTRATION_MESSAGES = REGISTRATION.map((row) => row.says);

const FEES = 'It’s £45 to sign on, then £27.50 a month by Direct Debit.';
/** Replies in place of the plain ones: more than an answer, or a side question before it. */
const MESSIER: Partial<Record<string, readonly ScriptRow[]>> = {
  parentName: [
    answer(
      'sarah o’brien, leo’s mum',
      'parentName',
      { parentFirstName: 'Sarah', parentLastName: "O'Brien" },
      'Lovely to meet you, Sarah.',
    ),
  ],
  medicalIssues: [
    answer('nope he’s fit as a fiddle', 'medicalIssues', {
      hasMedicalIssues: false,
      medicalIssues: null,
    }),
  ],
  paymentDay: [
    {
      says: 'how much is it a month?',
      routine: 'paymentDay',
      tool: { name: 'club_info', args: { question: 'how much is it a month?' } },
      reply: envelope({ kind: 'question', reply: FEES }),
    },
    answer('15th', 'paymentDay', { paymentDay: 15 }),
  ],
};
/**
 * The same registration with three replies that only a model reads surely (a second part after a
 * comma, more words than an answer, a side question); it must store the same record.
 */
export const MESSY_REGISTRATION: readonly ScriptRow[] = REGISTRATION.flatMap(
  (row) => MESSIER[row.routine ?? ''] ?? [row],
);
export const MESSY_MESSAGES = MESSY_REGISTRATION.map((row) => row.says);
const EVERY_ROW = [...REGISTRATION, ...MESSY_REGISTRATION];

/** Whether a request already carries a tool's output (the model called it in an earlier round). */
const toolAnswered = (request: ResponsesRequest) =>
  Array.isArray(request.input) &&
  request.input.some((item) => item.type === 'function_call_output');

/** A scripted model that answers by routine and message; anything unscripted fails the run loudly. */
export function scriptedModel(rows: readonly ScriptRow[] = EVERY_ROW): Responder {
  return (request) => {
    const routine = formatName(request)?.replace(/^routine_/, '') ?? null;
    const says = lastUserText(request);
    const row = rows.find((candidate) => candidate.routine === routine && candidate.says === says);
    if (!row?.reply) throw new Error(`No scripted reply for ${routine ?? '?'}: ${says}`);
    if (row.tool && !toolAnswered(request)) return { type: 'toolCall', ...row.tool };
    return { type: 'json', value: row.reply };
  };
}

export type LlmOptions = {
  timeoutMs?: number;
  maxRetries?: number;
  prompt?: RoutinePromptBuilder;
  metrics?: LlmMetrics;
  modelEveryTurn?: boolean;
  onModelCall?: (call: ModelCall) => void;
};

/** The product's LLM interpreter on the real SDK, pointed at the local server. */
export function llmInterpreter(
  server: ResponsesServer,
  logs: LogEntry[],
  options: LlmOptions = {},
) {
  const log = (event: string, data?: Record<string, unknown>) =>
    logs.push(data ? { event, data } : { event });
  const llm = createOpenAiLlm(
    {
      apiKey: 'sk-test',
      model: 'gpt-test',
      baseUrl: server.baseUrl,
      timeoutMs: options.timeoutMs ?? 5_000,
      maxRetries: options.maxRetries ?? 2,
    },
    log,
  );
  return createLlmInterpreter({
    llm,
    club: defaultClub,
    addressLookup: createDemoAddressSearch(),
    log,
    ...(options.prompt ? { prompt: options.prompt } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.modelEveryTurn ? { modelEveryTurn: true } : {}),
    ...(options.onModelCall ? { onModelCall: options.onModelCall } : {}),
  });
}

/** Sends every message, then a photo; returns the replies. */
export async function register(
  harness: Harness,
  messages: readonly string[] = REGISTRATION_MESSAGES,
) {
  const replies = [];
  for (const text of messages) replies.push(await harness.say(text));
  const uploadId = await harness.ports.photos.stage(new Uint8Array([255, 216, 255]), 'image/jpeg');
  replies.push(await harness.chat.uploadedPhoto({ sessionId: harness.sessionId, uploadId }));
  return replies;
}

const VOLATILE = ['billing_request_id', 'initial_db_write_timestamp', 'sms_sent_at'];

/** A stored record with its ids and timestamps taken out, so that two runs can be compared. */
export function comparable({ id, fields }: StoredRegistration) {
  return Object.fromEntries(
    Object.entries(fields)
      .filter(([key]) => !VOLATILE.includes(key))
      .map(([key, value]) => [
        key,
        typeof value === 'string' ? value.replaceAll(id, '<id>') : value,
      ]),
  );
}
