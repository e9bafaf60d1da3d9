import { z } from 'zod';
import type { TeamDirectory, TeamInfo } from '../teams/teams.ts';
import { ToolUnavailableError } from '../tool.ts';
import { createAirtableClient, type AirtableClient, type AirtableConfig } from './client.ts';
import { fieldEquals } from './formula.ts';
import { ageGroupNumber, sameTeam } from './records-port.ts';

export type TeamDirectoryOptions = {
  /** The table of teams (default `team_info`). */
  table?: string;
  /** How long a season's team list is reused (default 60 s). */
  cacheMs?: number;
  /** How long an older list still answers while Airtable is unavailable (default 1 hour). */
  staleMs?: number;
  now?: () => number;
};

/** A `team_info` row as the club fills it (facts §7.1); other rows are skipped, not fatal. */
const TeamRow = z.object({
  short_team_name: z.string().trim().min(1),
  age_group: z.string().regex(/^\s*u\d{1,2}s?\s*$/i),
  current_season: z.union([z.string(), z.number()]).transform(String),
  need_new_kit_current_season: z.string().optional(),
});

type Cached = { teams: TeamInfo[]; at: number };

/**
 * The club's teams from `team_info`: short name, age group (`u10s` there, `U10` here), season and
 * the new-kit flag (`Y`, anything else is no). A season's list is read once and kept briefly, so
 * a burst of parents costs one request; while Airtable is down a recent list still answers.
 */
export function createAirtableTeamDirectory(
  config: AirtableConfig,
  options: TeamDirectoryOptions = {},
  client: AirtableClient = createAirtableClient(config),
): TeamDirectory {
  const table = options.table ?? 'team_info';
  const cacheMs = options.cacheMs ?? 60_000;
  const staleMs = options.staleMs ?? 3_600_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, Cached>();
  const loading = new Map<string, Promise<TeamInfo[]>>();

  async function load(season: string, signal?: AbortSignal) {
    const records = await client.list(
      table,
      { formula: fieldEquals('current_season', season) },
      signal,
    );
    const teams = records.flatMap(({ fields }) => {
      const row = TeamRow.safeParse(fields);
      if (!row.success) return [];
      return [
        {
          name: row.data.short_team_name,
          ageGroup: `U${ageGroupNumber(row.data.age_group) ?? ''}`,
          season: row.data.current_season,
          needsNewKit: row.data.need_new_kit_current_season?.trim().toUpperCase() === 'Y',
        },
      ];
    });
    cache.set(season, { teams, at: now() });
    return teams;
  }

  async function teamsOf(season: string) {
    const cached = cache.get(season);
    if (cached && now() - cached.at < cacheMs) return cached.teams;
    let pending = loading.get(season);
    if (!pending) {
      // shared by every caller waiting for it, so no one caller's signal may end it
      pending = load(season).finally(() => loading.delete(season));
      loading.set(season, pending);
    }
    try {
      return await pending;
    } catch (error) {
      if (error instanceof ToolUnavailableError && cached && now() - cached.at < staleMs) {
        config.log?.('airtable.teams.stale', { season, ageMs: now() - cached.at });
        return cached.teams;
      }
      throw error;
    }
  }

  return {
    async find({ name, ageGroup, season }) {
      const wanted = ageGroupNumber(ageGroup);
      const team = (await teamsOf(season)).find(
        (candidate) =>
          sameTeam(candidate.name, name) && ageGroupNumber(candidate.ageGroup) === wanted,
      );
      return team ? { ...team } : null;
    },
  };
}
