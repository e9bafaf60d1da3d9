import { z } from 'zod';
import defaults from './club.json' with { type: 'json' };

const YearMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM');

/** A team as the club lists it for a season. */
export const Team = z.object({
  name: z.string().regex(/^[A-Za-z0-9_ ]{1,20}$/),
  ageGroup: z.string().regex(/^U\d{1,2}$/),
  needsNewKit: z.boolean(),
});
export type Team = z.infer<typeof Team>;

/** Everything about one club that the product must not hard-code. */
export const ClubConfig = z.object({
  name: z.string().min(1),
  shortName: z.string().min(1),
  adminEmail: z.email(),
  season: z.object({
    code: z.string().regex(/^\d{4}$/),
    label: z.string().min(1),
    previousLabel: z.string().min(1),
    firstMonth: YearMonth,
    lastMonth: YearMonth,
  }),
  fees: z.object({
    signingOnPence: z.int().positive(),
    monthlyPence: z.int().positive(),
  }),
  siblingDiscountPercent: z.number().min(0).max(100),
  /** When an unused payment link is followed up, and when failed monthly payments suspend. */
  payments: z
    .object({
      reminderAfterDays: z.number().positive(),
      suspendAfterFailedPayments: z.int().positive(),
    })
    .default({ reminderAfterDays: 3, suspendAfterFailedPayments: 2 }),
  minimumBirthYear: z.int().min(1990),
  ownContactAgeGroup: z.int().positive(),
  kitSizes: z.array(z.string().min(1)).min(1),
  shirtNumbers: z.object({
    min: z.int().positive(),
    max: z.int().positive(),
    goalkeeper: z.array(z.int().positive()),
  }),
  faq: z.array(
    z.object({
      id: z.string().min(1),
      keywords: z.array(z.string().min(1)).min(1),
      answer: z.string().min(1),
    }),
  ),
  demoTeams: z.array(Team),
});
export type ClubConfig = z.infer<typeof ClubConfig>;

/** Validates a club configuration, naming every problem at once. */
export function parseClubConfig(json: unknown): ClubConfig {
  const result = ClubConfig.safeParse(json);
  if (!result.success) {
    throw new Error(`Invalid club configuration:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** The first club's configuration, embedded so the product runs with no setup. */
export const defaultClub: ClubConfig = parseClubConfig(defaults);

/** "£27.50" from pence. */
export const pounds = (pence: number) => `£${(pence / 100).toFixed(pence % 100 === 0 ? 0 : 2)}`;

/** The season's first day (1st of its first month): fixes every age calculation for the season. */
export const seasonStart = (club: ClubConfig) => `${club.season.firstMonth}-01`;
