import { z } from 'zod';
import type { KeyValueStore } from '../tools/kv/port.ts';

/** How the generic agent reaches its tools: in process, or through an MCP server. */
export type AgentMode = 'local' | 'mcp';
const AgentMode = z.enum(['local', 'mcp']);

/** The generic agent's tool mode, shared by every process (Redis or the SQLite file). */
export interface AgentModeSetting {
  get(): Promise<AgentMode>;
  /** Returns false when the mode cannot be used here (MCP without an MCP server configured). */
  set(mode: AgentMode): Promise<boolean>;
  readonly mcpConfigured: boolean;
  /** The model behind the agents and its usage so far in this process, or null in offline mode. */
  readonly model: { name: string; usage: Readonly<Record<string, number>> } | null;
}

const KEY = 'agent-mode';

export function createAgentModeSetting(
  settings: KeyValueStore,
  mcpConfigured = false,
  model: AgentModeSetting['model'] = null,
): AgentModeSetting {
  return {
    async get() {
      const stored = AgentMode.safeParse(await settings.get(KEY));
      return stored.success ? stored.data : 'local';
    },
    async set(next) {
      if (next === 'mcp' && !mcpConfigured) return false;
      await settings.set(KEY, next);
      return true;
    },
    mcpConfigured,
    model,
  };
}
