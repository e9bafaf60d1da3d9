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

/** The words a text may fill in, written `{name}` in a template. */
export const TEXT_PLACEHOLDERS = [
  'clubName',
  'parentFirstName',
  'childFirstName',
  'childFullName',
  'link',
] as const;
type TextPlaceholder = (typeof TEXT_PLACEHOLDERS)[number];

const Template = (required: readonly TextPlaceholder[]) =>
  z
    .string()
    .min(1)
    .max(1_000)
    .refine(
      (text) =>
        [...text.matchAll(/\{(\w+)\}/g)].every(([, name]) =>
          (TEXT_PLACEHOLDERS as readonly string[]).includes(name ?? ''),
        ),
      { error: `placeholders are ${TEXT_PLACEHOLDERS.map((name) => `{${name}}`).join(', ')}` },
    )
    .refine((text) => required.every((name) => text.includes(`{${name}}`)), {
      error: `must contain ${required.map((name) => `{${name}}`).join(', ')}`,
    });

/** The wording of the club's texts to parents. */
const TextTemplates = z.object({
  /** Sent once the payment is set up at routine 29: must carry the {link}. */
  paymentLink: Template(['link']),
  /** Sent once the signing-on fee is paid and the Direct Debit is set up. */
  confirmation: Template([]),
});

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
  /**
   * How many seasons a returning player's photo on file stays valid: a photo on a record this many
   * seasons old or fewer is kept, an older one (or none) is asked for again.
   */
  photoValidForSeasons: z.int().min(0).default(2),
  /** A club configuration without its own wording gets the first club's. */
  texts: TextTemplates.default(defaults.texts),
  /** The club's Airtable tables, when Airtable is configured: `{season}` becomes e.g. 2526. */
  airtable: z
    .object({
      registrationsTable: z.string().includes('{season}').default('registrations_{season}'),
      teamsTable: z.string().min(1).default('team_info'),
    })
    .default({ registrationsTable: 'registrations_{season}', teamsTable: 'team_info' }),
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

/** A text from one of the club's templates; a placeholder with no value becomes ''. */
export function fillText(
  template: string,
  values: Partial<Record<TextPlaceholder, string | null | undefined>>,
): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) =>
    name in values ? (values[name as TextPlaceholder] ?? '') : '',
  );
}
/** The name of a season's registrations table, e.g. `registrations_2526`. */
export const registrationsTable = (club: ClubConfig, season: string) =>
  club.airtable.registrationsTable.replaceAll('{season}', season);

/** "£27.50" from pence. */
export const pounds = (pence: number) => `£${(pence / 100).toFixed(pence % 100 === 0 ? 0 : 2)}`;

/** The season's first day (1st of its first month): fixes every age calculation for the season. */
export const seasonStart = (club: ClubConfig) => `${club.season.firstMonth}-01`;
