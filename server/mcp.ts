import Router from '@koa/router';
import type { ClubConfig } from '../routines/club.ts';
import type { TeamDirectory } from '../tools/teams/teams.ts';
import type { Log } from './log.ts';
import { requireAdmin } from './routes/admin.ts';

/** Where the MCP server answers (streamable HTTP, stateless: one POST per message). */
export const MCP_PATH = '/mcp';

export type McpDeps = {
  club: ClubConfig;
  teams: TeamDirectory;
  /** MCP_TOKEN (or ADMIN_TOKEN); null switches /mcp off. */
  token: string | null;
  log: Log;
};

/** The MCP SDK and the club's tools, on the first request (a process starts without them). */
const loadSdk = () => import('./mcp-server.ts');

/** POST /mcp behind the bearer token; each request gets its own stateless server and transport. */
export function mcpRouter(deps: McpDeps) {
  const router = new Router();
  const auth = requireAdmin(deps.token);
  let sdk: ReturnType<typeof loadSdk> | null = null;
  router.post(MCP_PATH, auth, async (ctx) => {
    const { createClubMcpServer, StreamableHTTPServerTransport } = await (sdk ??= loadSdk());
    const server = createClubMcpServer(deps);
    // No session id generator: stateless, one server and transport per request.
    const transport = new StreamableHTTPServerTransport({
      enableJsonResponse: true,
    });
    ctx.respond = false;
    ctx.res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(ctx.req, ctx.res, ctx.request.body);
  });
  // Stateless: no event stream to resume and no session to end.
  router.get(MCP_PATH, auth, (ctx) => {
    ctx.status = 405;
    ctx.set('Allow', 'POST');
    ctx.body = { error: 'method_not_allowed', message: 'This MCP server is stateless: POST only' };
  });
  return router;
}
