import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatName,
  lastUserText,
  startResponsesServer,
  type Responder,
  type ResponsesRequest,
  type ResponsesServer,
} from '../fakes/responses-server.ts';
import { ADMIN_TOKEN, bearer, startTestServer, type TestServer } from '../server/support.ts';

const MCP_TOKEN = 'test-mcp-token-0123456789';

async function connect(server: TestServer, token: string | null) {
  const client = new Client({ name: 'mcp-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
    requestInit: { headers: token ? { authorization: `Bearer ${token}` } : {} },
  });
  await client.connect(transport);
  return client;
}

const toolOutputs = (request: ResponsesRequest) =>
  Array.isArray(request.input)
    ? request.input
        .filter((item) => item.type === 'function_call_output')
        .map((item) => String(item.output))
    : [];

/** A model that answers a question from what club_info returns. */
const compliant: Responder = (request) => {
  const [found] = toolOutputs(request);
  if (!found)
    return { type: 'toolCall', name: 'club_info', args: { question: lastUserText(request) } };
  const { answer } = JSON.parse(found) as { answer: string };
  return { type: 'json', value: { kind: 'question', reply: answer } };
};

describe('the MCP server and MCP mode', () => {
  let model: ResponsesServer;
  let server: TestServer;
  beforeAll(async () => {
    model = await startResponsesServer();
    model.otherwise(compliant);
    server = await startTestServer({
      MCP_TOKEN,
      OPENAI_API_KEY: 'sk-test-0123456789',
      OPENAI_BASE_URL: model.baseUrl,
    });
  });
  afterAll(async () => {
    await server?.close();
    await model?.close();
  });

  it('lists the generic agent’s read-only tools', async () => {
    const client = await connect(server, MCP_TOKEN);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'club_info',
      'registration_code',
      'team_lookup',
    ]);
    await client.close();
  });

  it.each([
    ['club_info', { question: 'how much does it cost?' }, '£27.50 a month'],
    ['team_lookup', { team: 'lions', age_group: 'u10' }, '"found":true'],
    ['registration_code', { code: '100-Lions-U10-2526-Leo-Smith' }, '"valid":true'],
  ])('answers a call to %s', async (name, args, expected) => {
    const client = await connect(server, MCP_TOKEN);
    const result = await client.callTool({ name, arguments: args });
    const text = JSON.stringify(result.content);
    expect(text).toContain(expected.replaceAll('"', '\\"'));
    // A returning player's code names the child: never repeated.
    expect(text).not.toMatch(/leo|smith/i);
    await client.close();
  });

  it.each([
    ['no token', null],
    ['the wrong token', 'not-the-mcp-token-at-all'],
  ])('refuses a client with %s', async (_name, token) => {
    await expect(connect(server, token)).rejects.toThrow(/unauthorized/);
    const raw = await server.post(
      '/mcp',
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      token ? bearer(token) : {},
    );
    expect(raw.status).toBe(401);
  });

  it('has the generic agent answer through the MCP server in mcp mode', async () => {
    expect((await server.get('/agent/status', bearer(ADMIN_TOKEN))).body.available_modes).toEqual([
      'local',
      'mcp',
    ]);
    const mode = await server.post('/agent/mode', { mode: 'mcp' }, bearer(ADMIN_TOKEN));
    expect(mode).toMatchObject({ status: 200, body: { mode: 'mcp' } });
    const calls = () => server.logs.filter((line) => line.event === 'mcp.tool_called').length;
    const before = calls();
    model.requests.length = 0;
    const reply = await server.post('/chat', { user_message: 'how much does it cost?' });
    expect(reply.status).toBe(200);
    expect(String(reply.body.response)).toContain('£27.50 a month');
    expect(model.requests.map(formatName)).toEqual(['generic_agent', 'generic_agent']);
    expect(calls()).toBe(before + 1);
    await server.post('/agent/mode', { mode: 'local' }, bearer(ADMIN_TOKEN));
  });
});
