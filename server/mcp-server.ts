import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { answerFromFaq } from '../machines/faq.ts';
import { readRegistrationCode } from '../routines/registration-code.ts';
import type { McpDeps } from './mcp.ts';

// The MCP SDK, loaded by server/mcp.ts on the first request to /mcp (a process starts without it).

export { StreamableHTTPServerTransport };

const reply = (value: Record<string, unknown>) => ({
  content: [{ type: 'text' as const, text: JSON.stringify(value) }],
  structuredContent: value,
});

/**
 * The generic agent's read-only tools as an MCP server: the club's own answers, whether a team
 * plays this season, how a registration code reads. Nothing here reads or writes any family's records.
 */
export function createClubMcpServer({ club, teams, log }: Omit<McpDeps, 'token'>): McpServer {
  const server = new McpServer({ name: `${club.shortName} club information`, version: '1.0.0' });
  const season = club.season.code;
  server.registerTool(
    'club_info',
    {
      description:
        "Answer a parent's question about the club (fees, codes, contact, kit) from its information.",
      inputSchema: { question: z.string().max(2_000) },
    },
    async ({ question }) => {
      log('mcp.tool_called', { tool: 'club_info' });
      return reply({
        answer: answerFromFaq(question, club) ?? 'Not known: suggest e-mailing the club.',
      });
    },
  );
  server.registerTool(
    'team_lookup',
    {
      description: `Whether the club has a team of this name in this age group for season ${season}.`,
      inputSchema: { team: z.string().max(60), age_group: z.string().regex(/^U?\d{1,2}$/i) },
    },
    async ({ team, age_group: ageGroup }, extra) => {
      log('mcp.tool_called', { tool: 'team_lookup' });
      const normalised = ageGroup.toUpperCase().startsWith('U')
        ? ageGroup.toUpperCase()
        : `U${ageGroup}`;
      const found = await teams.find({ name: team, ageGroup: normalised, season }, extra.signal);
      return reply(
        found
          ? { found: true, team: found.name, age_group: found.ageGroup, season }
          : { found: false, season },
      );
    },
  );
  server.registerTool(
    'registration_code',
    {
      description:
        'How registration codes work, and whether a code is well formed (it never says who it is for).',
      inputSchema: { code: z.string().max(120).optional() },
    },
    async ({ code }) => {
      log('mcp.tool_called', { tool: 'registration_code' });
      const how = `A team manager gives each parent a code: 200-TEAM-AGEGROUP-${season} for a new player (e.g. 200-Lions-U10-${season}), or 100-TEAM-AGEGROUP-${season}-FIRST-LAST for a returning one. Sending it in the chat starts the registration.`;
      if (!code) return reply({ how });
      const reading = readRegistrationCode(code, club);
      if (!reading.found) return reply({ how, valid: false, problem: 'notACode' });
      if (!reading.ok) return reply({ how, valid: false, problem: reading.problem });
      // A returning player's code holds the child's name: it is never repeated.
      const { kind, team, ageGroup } = reading.code;
      return reply({
        how,
        valid: true,
        kind,
        team,
        age_group: ageGroup,
        season: reading.code.season,
      });
    },
  );
  return server;
}
