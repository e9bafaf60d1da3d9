import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ToolUnavailableError } from '../tool.ts';

export type McpToolClientConfig = {
  /** The MCP server's streamable HTTP endpoint (read at each call: it may be known only once listening). */
  url: () => string | null;
  /** Sent as a bearer token, when set. */
  token: string | null;
  timeoutMs?: number;
};

const DEFAULT_TIMEOUT_MS = 5_000;

/** The MCP SDK on the first call: a process that never calls a tool starts without it. */
const loadSdk = () =>
  Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
  ]);

/** Calls tools on an MCP server over streamable HTTP; any failure is a ToolUnavailableError. */
export function createMcpToolClient({
  url,
  token,
  timeoutMs = DEFAULT_TIMEOUT_MS,
}: McpToolClientConfig) {
  async function connected(signal: AbortSignal) {
    const endpoint = url();
    if (!endpoint)
      throw new ToolUnavailableError('mcp', { cause: new Error('No MCP server URL yet') });
    const [{ Client }, { StreamableHTTPClientTransport }] = await loadSdk();
    const client = new Client({ name: 'club-generic-agent', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(endpoint), {
      requestInit: { headers: token ? { authorization: `Bearer ${token}` } : {} },
    });
    await client.connect(transport, { signal, timeout: timeoutMs });
    return client;
  }

  async function using<T>(
    work: (client: Client, signal: AbortSignal) => Promise<T>,
    caller?: AbortSignal,
  ) {
    const signal = caller
      ? AbortSignal.any([caller, AbortSignal.timeout(timeoutMs)])
      : AbortSignal.timeout(timeoutMs);
    let client: Client | null = null;
    try {
      client = await connected(signal);
      return await work(client, signal);
    } catch (cause) {
      if (cause instanceof ToolUnavailableError) throw cause;
      throw new ToolUnavailableError('mcp', { cause });
    } finally {
      await client?.close().catch(() => {});
    }
  }

  return {
    /** The tools the server offers, by name. */
    listTools: (signal?: AbortSignal) =>
      using(async (client, joined) => {
        const { tools } = await client.listTools(undefined, { signal: joined, timeout: timeoutMs });
        return tools.map((tool) => tool.name);
      }, signal),
    /** A tool's structured result (or its text as JSON); a tool error is a ToolUnavailableError. */
    callTool: (name: string, args: Record<string, unknown>, signal?: AbortSignal) =>
      using(async (client, joined) => {
        const result = await client.callTool({ name, arguments: args }, undefined, {
          signal: joined,
          timeout: timeoutMs,
        });
        if (result.isError) throw new Error(`The MCP tool ${name} failed`);
        if (result.structuredContent) return result.structuredContent;
        const content = Array.isArray(result.content) ? (result.content as unknown[]) : [];
        const text = content.find(
          (part): part is { type: 'text'; text: string } =>
            typeof part === 'object' &&
            part !== null &&
            (part as { type?: unknown }).type === 'text',
        );
        return text ? (JSON.parse(text.text) as unknown) : null;
      }, signal),
  };
}

export type McpToolClient = ReturnType<typeof createMcpToolClient>;
