import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AirtableConfig } from '../../tools/airtable/client.ts';
import { createAirtableTeamDirectory } from '../../tools/airtable/teams.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';
import { startAirtableServer, type AirtableServer } from '../fakes/airtable-server.ts';

let server: AirtableServer;
beforeAll(async () => {
  server = await startAirtableServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  const rows = [
    ['Lions', 'u10s', '2526', 'Y'],
    ['Leopards', 'u9s', '2526', 'N'],
    ["St Mary's", 'u12s', '2526', 'y'],
    ['Tigers', 'u13s', '2425', 'Y'],
    ['Hawks', 'under 11', '2526', 'Y'],
  ];
  for (const [short_team_name, age_group, current_season, need_new_kit_current_season] of rows) {
    server.seed('team_info', {
      short_team_name: short_team_name ?? '',
      age_group: age_group ?? '',
      current_season: current_season ?? '',
      need_new_kit_current_season: need_new_kit_current_season ?? '',
    });
  }
});

const config = (): AirtableConfig => ({
  apiKey: server.apiKey,
  baseId: server.baseId,
  endpointUrl: server.url,
  timeoutMs: 1_000,
});

describe('Airtable team directory (team_info)', () => {
  it.each([
    ['Lions', 'U10', { name: 'Lions', ageGroup: 'U10', season: '2526', needsNewKit: true }],
    ['leopards', 'u9', { name: 'Leopards', ageGroup: 'U9', season: '2526', needsNewKit: false }],
    ["ST MARY'S", 'U12', { name: "St Mary's", ageGroup: 'U12', season: '2526', needsNewKit: true }],
  ])('finds %s %s', async (name, ageGroup, expected) => {
    const teams = createAirtableTeamDirectory(config());
    expect(await teams.find({ name, ageGroup, season: '2526' })).toEqual(expected);
  });

  it.each([
    ['another age group', 'Lions', 'U11'],
    ['another season', 'Tigers', 'U13'],
    ['a row the club typed in another format', 'Hawks', 'U11'],
    ['an unknown team', 'Wolves', 'U10'],
  ])('finds nothing for %s', async (_, name, ageGroup) => {
    const teams = createAirtableTeamDirectory(config());
    expect(await teams.find({ name, ageGroup, season: '2526' })).toBeNull();
  });

  it('reads the season once for a burst of lookups and again after the cache time', async () => {
    let now = 0;
    const teams = createAirtableTeamDirectory(config(), { cacheMs: 60_000, now: () => now });
    await Promise.all(
      ['Lions', 'Leopards', 'Lions'].map((name) =>
        teams.find({ name, ageGroup: name === 'Lions' ? 'U10' : 'U9', season: '2526' }),
      ),
    );
    now = 59_000;
    await teams.find({ name: 'Lions', ageGroup: 'U10', season: '2526' });
    expect(server.requests).toHaveLength(1);
    now = 61_000;
    await teams.find({ name: 'Lions', ageGroup: 'U10', season: '2526' });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]?.query.filterByFormula).toBe('{current_season} = "2526"');
  });

  it('answers from a recent list while Airtable is down, and fails without one', async () => {
    let now = 0;
    const teams = createAirtableTeamDirectory(config(), { now: () => now });
    await teams.find({ name: 'Lions', ageGroup: 'U10', season: '2526' });
    now = 120_000;
    server.script({ type: 'status', status: 503 }, { type: 'status', status: 503 });
    expect(await teams.find({ name: 'Lions', ageGroup: 'U10', season: '2526' })).toMatchObject({
      needsNewKit: true,
    });
    await expect(teams.find({ name: 'Tigers', ageGroup: 'U13', season: '2425' })).rejects.toThrow(
      ToolUnavailableError,
    );
  });
});
