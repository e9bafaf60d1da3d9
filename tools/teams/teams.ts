import { openJsonFile } from '../json-file.ts';

/** A team as the club lists it (the `team_info` table). */
export type TeamInfo = { name: string; ageGroup: string; season: string; needsNewKit: boolean };

/** The club's teams per season, for checking codes and whether a team is due new kit. */
export interface TeamDirectory {
  find(
    query: { name: string; ageGroup: string; season: string },
    signal?: AbortSignal,
  ): Promise<TeamInfo | null>;
}

const sameName = (a: string, b: string) => a.localeCompare(b, 'en', { sensitivity: 'base' }) === 0;

/** The embedded team list: seeded from the club configuration, kept under DATA_DIR. */
export async function createEmbeddedTeamDirectory(path: string | null, seed: readonly TeamInfo[]) {
  const file = await openJsonFile<TeamInfo[]>(path, () => [...seed]);
  if (file.read().length === 0) await file.update((teams) => teams.push(...seed));
  const directory: TeamDirectory & { all(): TeamInfo[] } = {
    async find({ name, ageGroup, season }) {
      const team = file
        .read()
        .find(
          (candidate) =>
            sameName(candidate.name, name) &&
            sameName(candidate.ageGroup, ageGroup) &&
            candidate.season === season,
        );
      return team ? { ...team } : null;
    },
    all: () => file.read().map((team) => ({ ...team })),
  };
  return directory;
}
