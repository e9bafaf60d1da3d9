import type { z } from 'zod';
import type { AddressSearch } from './address-lookup/port.ts';

/** The read-only ports a model-facing tool may use. Nothing here writes. */
export type ToolPorts = {
  addressLookup: AddressSearch;
  /** Answers a question from the club's own information, or null. */
  clubInfo: (question: string) => string | null;
};

/** A read-only tool the model may call while a routine is current. */
export type ToolDefinition<Input extends z.ZodObject = z.ZodObject> = {
  name: string;
  description: string;
  input: Input;
  run: (input: z.output<Input>, ports: ToolPorts, signal?: AbortSignal) => Promise<unknown>;
};

export function defineTool<Input extends z.ZodObject>(tool: ToolDefinition<Input>) {
  return tool;
}

/** An outside service could not be reached or answered nonsense; the caller may fall back. */
export class ToolUnavailableError extends Error {
  readonly service: string;
  constructor(service: string, options?: { cause?: unknown }) {
    super(`${service} is unavailable`, options);
    this.name = 'ToolUnavailableError';
    this.service = service;
  }
}
