import type { ClubConfig } from '../routines/club.ts';
import { registrationIdOf } from '../routines/identity.ts';
import { previousAgeGroup, previousSeason } from '../machines/held-record.ts';
import type { RegistrationRecords } from '../tools/airtable/records-port.ts';
import { createStoreRegistrationRecords } from '../tools/registrations/records.ts';
import { RegistrationFields } from '../tools/registrations/registrations.ts';
import { createSqliteRegistrationStore } from '../tools/registrations/sqlite.ts';
import { openDatabase } from '../tools/sqlite/database.ts';

/** A returning player of the demo teams, with what a parent would confirm (README "Try it"). */
export type DemoPlayer = {
  /** This season's team (from the club's demo teams): last season's age group is one below. */
  team: string;
  ageGroup: string;
  child: { firstName: string; lastName: string; dateOfBirth: string };
  parent: { firstName: string; lastName: string; mobile: string; email: string };
  address: { houseNumber: string; street: string; town: string; postcode: string };
  medical: string | null;
  shirtNumber: string;
  photo: boolean;
};

/** Three children who played last season, one per demo team the README lists. */
export const DEMO_PLAYERS: readonly DemoPlayer[] = [
  {
    team: 'Lions',
    ageGroup: 'U10',
    child: { firstName: 'Alfie', lastName: 'Moss', dateOfBirth: '14-03-2016' },
    parent: {
      firstName: 'Emma',
      lastName: 'Moss',
      mobile: '07700900101',
      email: 'emma.moss@example.com',
    },
    address: { houseNumber: '3', street: 'Sandy Lane', town: 'Stretford', postcode: 'M32 8JL' },
    medical: null,
    shirtNumber: '7',
    photo: false,
  },
  {
    team: 'Tigers',
    ageGroup: 'U13',
    child: { firstName: 'Noah', lastName: "O'Brien", dateOfBirth: '20-01-2013' },
    parent: {
      firstName: 'Ciara',
      lastName: "O'Brien",
      mobile: '07700900102',
      email: 'ciara.obrien@example.com',
    },
    address: { houseNumber: '8', street: 'Moorside Road', town: 'Urmston', postcode: 'M41 0AA' },
    medical: 'Asthma',
    shirtNumber: '4',
    photo: true,
  },
  {
    team: 'Leopards',
    ageGroup: 'U9',
    child: { firstName: 'Isla', lastName: 'Grant', dateOfBirth: '02-11-2016' },
    parent: {
      firstName: 'Tom',
      lastName: 'Grant',
      mobile: '07700900103',
      email: 'tom.grant@example.com',
    },
    address: { houseNumber: '21', street: 'Flixton Road', town: 'Flixton', postcode: 'M41 5AB' },
    medical: null,
    shirtNumber: '10',
    photo: true,
  },
];

const iso = (ukDate: string) => ukDate.split('-').reverse().join('-');

/** A demo player's record of last season, as the club's table holds it. */
export function lastSeasonRecord(player: DemoPlayer, club: ClubConfig): RegistrationFields {
  const { child, parent, address } = player;
  const line1 = `${address.houseNumber} ${address.street}`;
  const full = `${line1}, ${address.town}, Manchester, ${address.postcode}`;
  const season = previousSeason(club.season.code);
  return RegistrationFields.parse({
    player_first_name: child.firstName,
    player_last_name: child.lastName,
    player_dob: child.dateOfBirth,
    player_gender: 'Male',
    age_group: previousAgeGroup(player.ageGroup).toLowerCase(),
    team: player.team,
    player_has_any_medical_issues: player.medical ? 'Y' : 'N',
    ...(player.medical ? { description_of_player_medical_issues: player.medical } : {}),
    played_for_urmston_town_last_season: 'Y',
    player_full_address: full,
    player_house_number: address.houseNumber,
    player_address_line_1: line1,
    player_town: address.town,
    player_city: 'Manchester',
    player_post_code: address.postcode,
    age_group_mismatch: 'N',
    parent_first_name: parent.firstName,
    parent_last_name: parent.lastName,
    parent_relationship_to_player: 'Mother',
    registree_role: 'Parent',
    parent_telephone: parent.mobile,
    parent_email: parent.email,
    parent_dob: '14-07-1985',
    communication_consent: 'Y',
    parent_full_address: full,
    parent_house_number: address.houseNumber,
    parent_address_line_1: line1,
    parent_town: address.town,
    parent_city: 'Manchester',
    parent_post_code: address.postcode,
    registration_code: `200-${player.team}-${previousAgeGroup(player.ageGroup)}-${season}`,
    registration_type: '200',
    season,
    registration_status: 'active',
    initial_db_write_timestamp: `20${season.slice(0, 2)}-08-01T10:00:00.000Z`,
    preferred_payment_day: 1,
    signing_on_fee_amount: club.fees.signingOnPence / 100,
    monthly_subscription_amount: club.fees.monthlyPence / 100,
    signing_on_fee_paid: 'Y',
    mandate_authorised: 'Y',
    subscription_activated: 'Y',
    payment_follow_up_count: 0,
    new_kit_required: 'N',
    shirt_number: player.shirtNumber,
    ...(player.photo ? { id_image_link: `demo/${child.firstName.toLowerCase()}.jpg` } : {}),
  });
}

/** The registration id a demo player's record of last season is stored under. */
export const lastSeasonIdOf = (player: DemoPlayer, club: ClubConfig) =>
  registrationIdOf({
    season: previousSeason(club.season.code),
    childFirstName: player.child.firstName,
    childLastName: player.child.lastName,
    childDateOfBirth: iso(player.child.dateOfBirth),
  });

/**
 * Last season's demo players as club records, in a store of their own (in memory): the embedded
 * default finds them without their ever being listed, counted or erased with the club's own.
 */
export async function demoPlayerRecords(club: ClubConfig): Promise<RegistrationRecords> {
  const store = createSqliteRegistrationStore(openDatabase(':memory:'));
  const teams = new Set(club.demoTeams.map((team) => `${team.name}|${team.ageGroup}`));
  for (const player of DEMO_PLAYERS) {
    if (!teams.has(`${player.team}|${player.ageGroup}`)) continue;
    await store.upsert(lastSeasonIdOf(player, club), lastSeasonRecord(player, club));
  }
  return createStoreRegistrationRecords(store);
}

/**
 * The club's records, then the demo players: a returning player is looked for in the club's own
 * records first, and among the demo players only when the club has none of that name.
 */
export function withDemoPlayers(
  records: RegistrationRecords,
  demo: RegistrationRecords,
): RegistrationRecords {
  return {
    ...records,
    async get(key, signal) {
      return (await records.get(key, signal)) ?? demo.get(key, signal);
    },
    async findPrevious(season, query, signal) {
      const own = await records.findPrevious(season, query, signal);
      return own.length > 0 ? own : demo.findPrevious(season, query, signal);
    },
  };
}
