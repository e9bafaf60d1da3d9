import { z } from 'zod';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const PersonName = z
  .string()
  .regex(/^[\p{L}\p{M}'-]+( [\p{L}\p{M}'-]+)*$/u)
  .max(50);
const UkMobile = z.string().regex(/^07\d{9}$/, 'expected a UK mobile as 07XXXXXXXXX');
const Postcode = z.string().regex(/^(GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2})$/);
/** Long enough for "Flat 12, Kingsley Hall" or "The Old Vicarage, 3"; the record keeps the same limit. */
const House = z.string().min(1).max(60);

/** A postal address as the club stores it. */
export const Address = z.object({
  houseNumber: House.describe('House number or name, e.g. "12a", "Flat 2, 12" or "Rose Cottage"'),
  line1: z.string().min(1).max(100).describe('House number and street'),
  town: z.string().max(50).describe('Town or district, empty if none'),
  city: z.string().min(1).max(50),
  postcode: Postcode,
});
export type Address = z.infer<typeof Address>;

/** At most this many addresses of one house are kept to choose from (a block of flats). */
export const MAX_ADDRESS_CHOICES = 30;

const AddressChoices = z
  .array(Address)
  .max(MAX_ADDRESS_CHOICES)
  .describe('The addresses the lookup found for the house, in the numbered order shown');
const AddressChoice = z
  .int()
  .min(0)
  .max(MAX_ADDRESS_CHOICES)
  .describe(
    'The number of the address picked from the numbered list; 0 when none of them is right',
  );
const HouseRetry = House.nullable().describe(
  'The corrected house number or name; null when the parent says it is right or would rather type the whole address',
);
const PostcodeRetry = Postcode.nullable().describe(
  'The corrected UK postcode, e.g. "M32 8JL"; null when the parent says it is right or would rather type the whole address',
);

/** Everything a new-player registration collects, normalised. Each routine extracts a slice. */
export const Draft = z.object({
  parentFirstName: PersonName.describe("Parent's first name"),
  parentLastName: PersonName.describe("Parent's last name (all words after the first)"),
  childFirstName: PersonName.describe("Child's first name"),
  childLastName: PersonName.describe("Child's last name"),
  childDateOfBirth: IsoDate.describe("Child's date of birth, YYYY-MM-DD (UK dates are day first)"),
  childAgeGroupConfirmed: z
    .boolean()
    .describe('The parent confirmed a date of birth older than the age group'),
  childGender: z.enum(['Male', 'Female', 'Not Disclosed']),
  hasMedicalIssues: z.boolean(),
  medicalIssues: z
    .string()
    .max(500)
    .nullable()
    .describe('Clean comma-separated list, e.g. "Asthma, Hay fever"; null if none'),
  medicalNotes: z
    .string()
    .max(500)
    .nullable()
    .describe('Practical notes for a serious condition, e.g. where the inhaler is kept'),
  playedLastSeason: z.boolean().describe('Played for this club last season'),
  previousTeam: z
    .string()
    .max(100)
    .nullable()
    .describe('Team played for last season, if another club; null if none'),
  relationship: z.enum(['Mother', 'Father', 'Guardian', 'Other']),
  parentMobile: UkMobile,
  parentEmail: z.email().max(254).describe('Lower-cased e-mail address'),
  communicationConsent: z.boolean(),
  parentDateOfBirth: IsoDate.describe("Parent's date of birth, YYYY-MM-DD"),
  parentPostcode: Postcode.describe('UK postcode, upper case with one space, e.g. "M32 8JL"'),
  parentHouseNumber: House.describe('House number or name'),
  parentAddressChoices: AddressChoices,
  parentAddressChoice: AddressChoice,
  parentHouseRetry: HouseRetry,
  parentPostcodeRetry: PostcodeRetry,
  parentAddress: Address,
  parentAddressConfirmed: z.boolean(),
  childLivesWithParent: z.boolean(),
  childPostcode: Postcode,
  childHouseNumber: House,
  childAddressChoices: AddressChoices,
  childAddressChoice: AddressChoice,
  childHouseRetry: HouseRetry,
  childPostcodeRetry: PostcodeRetry,
  childAddress: Address,
  childAddressConfirmed: z.boolean(),
  playerMobile: UkMobile.nullable().describe(
    "The player's own mobile (16 and over); null when the player has none",
  ),
  /** A U16+ player with no mobile of their own: the club contacts them through the parent. */
  playerHasNoMobile: z.boolean().describe('The parent said the player has no mobile of their own'),
  playerEmail: z
    .email()
    .max(254)
    .nullable()
    .describe("The player's own e-mail (16 and over); null when the player has none"),
  /** A U16+ player with no e-mail of their own: the club contacts them through the parent. */
  playerHasNoEmail: z.boolean().describe('The parent said the player has no e-mail of their own'),
  detailsConfirmed: z.boolean(),
  paymentDay: z
    .int()
    .min(-1)
    .max(28)
    .refine((day) => day !== 0)
    .describe('Day of the month 1-28, or -1 for the last day'),
  paymentLinkReceived: z.boolean(),
  kitSize: z.string().min(1).max(8),
  shirtNumber: z.int().min(1).max(99),
  photoLink: z.string().min(1),
  reuseParentDetails: z.boolean(),
  /** The parent chose to carry on here with a registration already under way for this child. */
  carryOnHere: z.boolean(),
  /** Returning players: the parent's mobile or the child's date of birth, to compare with the record. */
  identityCheck: z
    .string()
    .regex(/^(07\d{9}|\d{4}-\d{2}-\d{2})$/)
    .describe('A UK mobile as 07XXXXXXXXX, or a date of birth as YYYY-MM-DD'),
  /** Returning players: which of the held contact details changed (none: all still right). */
  heldContactChanges: z
    .array(z.enum(['parentMobile', 'parentEmail']))
    .max(2)
    .describe('The contact details that changed: parentMobile, parentEmail; empty if all right'),
  /** Returning players: the address the club holds is still right. */
  heldAddressCurrent: z.boolean(),
  /** Returning players: the medical details the club holds are still right. */
  heldMedicalCurrent: z.boolean(),
  /** A returning player the club could not find: register them as a new player instead. */
  registerAsNew: z.boolean(),
});
export type Draft = z.infer<typeof Draft>;

/** The fields a parent may correct at the summary, in the order the summary lists them. */
export type DraftField = keyof Draft;
