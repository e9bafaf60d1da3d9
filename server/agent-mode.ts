/** How the generic agent reaches its tools: in process, or through an MCP server. */
export type AgentMode = 'local' | 'mcp';

/** The generic agent's tool mode: an in-memory setting of this process, switched by an admin. */
export interface AgentModeSetting {
  get(): AgentMode;
  /** Returns false when the mode cannot be used here (MCP without an MCP server configured). */
  set(mode: AgentMode): boolean;
  readonly mcpConfigured: boolean;
  /** The model behind the agents and its usage so far, or null in offline mode. */
  readonly model: { name: string; usage: Readonly<Record<string, number>> } | null;
}

export function createAgentModeSetting(
  mcpConfigured = false,
  model: AgentModeSetting['model'] = null,
): AgentModeSetting {
  let mode: AgentMode = 'local';
  return {
    get: () => mode,
    set(next) {
      if (next === 'mcp' && !mcpConfigured) return false;
      mode = next;
      return true;
    },
    mcpConfigured,
    model,
  };
}
