/** A team as the club lists it (the `team_info` table). */
export type TeamInfo = { name: string; ageGroup: string; season: string; needsNewKit: boolean };

/** The club's teams per season, for checking codes and whether a team is due new kit. */
export interface TeamDirectory {
  find(
    query: { name: string; ageGroup: string; season: string },
    signal?: AbortSignal,
  ): Promise<TeamInfo | null>;
}
