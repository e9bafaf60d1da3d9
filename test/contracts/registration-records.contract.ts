import { describe, expect, it } from 'vitest';
import {
  keyOf,
  RegistrationRecordNotFoundError,
  type RegistrationRecords,
} from '../../tools/airtable/records-port.ts';
import type { ClubRecordFields } from '../../tools/registrations/registrations.ts';

/** A complete registration in the club's formats; override what a test is about. */
export const aRegistration = (overrides: Partial<ClubRecordFields> = {}): ClubRecordFields => ({
  player_first_name: 'Jack',
  player_last_name: 'Smith',
  player_dob: '14-03-2016',
  player_gender: 'Male',
  age_group: 'u10',
  team: 'Lions',
  player_has_any_medical_issues: 'N',
  played_for_urmston_town_last_season: 'N',
  player_full_address: '12 Moorside Road, Urmston, Manchester, M41 5SJ',
  player_house_number: '12',
  player_address_line_1: 'Moorside Road',
  player_town: 'Urmston',
  player_city: 'Manchester',
  player_post_code: 'M41 5SJ',
  parent_first_name: 'Sarah',
  parent_last_name: 'Smith',
  parent_relationship_to_player: 'Mother',
  registree_role: 'Parent',
  parent_telephone: '07700900123',
  parent_email: 'sarah@example.com',
  parent_dob: '02-07-1985',
  communication_consent: 'Y',
  parent_full_address: '12 Moorside Road, Urmston, Manchester, M41 5SJ',
  parent_house_number: '12',
  parent_address_line_1: 'Moorside Road',
  parent_town: 'Urmston',
  parent_city: 'Manchester',
  parent_post_code: 'M41 5SJ',
  registration_code: '200-Lions-U10-2526',
  registration_type: '200',
  season: '2526',
  registration_status: 'pending_payment',
  initial_db_write_timestamp: '2025-08-01T10:15:00.000Z',
  preferred_payment_day: 15,
  signing_on_fee_amount: 45,
  monthly_subscription_amount: 27.5,
  signing_on_fee_paid: 'N',
  mandate_authorised: 'N',
  subscription_activated: 'N',
  payment_follow_up_count: 0,
  ...overrides,
});

/** Names that break naively quoted formulas, and near-twins that must stay separate records. */
export const AWKWARD_NAMES = [
  ['Liam', "O'Brien"],
  ['Liam', 'O’Brien'],
  ['Priya', "D'Souza"],
  ['Aoife', 'Ní Bhriain'],
  ['Robert', "a'); DELETE"],
  ['Tom', 'Back\\slash \\\\ end\\'],
  ['Ann', 'Say "hi" \'there\''],
  ['Zoë', 'Line\nbreak'],
] as const;

/**
 * The behaviour every store of the club's registration records shares. `make` returns a store
 * holding no records (with tables for seasons 2425 and 2526).
 */
export function registrationRecordsContract(
  name: string,
  make: () => Promise<RegistrationRecords>,
) {
  describe(`RegistrationRecords contract: ${name}`, () => {
    it('creates a record once and updates the same record on every later upsert', async () => {
      const records = await make();
      const first = await records.upsert(aRegistration());
      const again = await records.upsert(aRegistration({ parent_email: 'new@example.com' }));
      const team = await records.listTeam({ season: '2526', team: 'Lions', ageGroup: 'U10' });
      expect([first.created, again.created]).toEqual([true, false]);
      expect(team).toHaveLength(1);
      expect(team[0]?.fields.parent_email).toBe('new@example.com');
    });

    it('keeps later fields when the first save is retried', async () => {
      const records = await make();
      const fields = aRegistration();
      await records.upsert(fields);
      await records.update(keyOf(fields), { kit_size: 'M', shirt_number: '7' });
      await records.upsert(fields);
      const stored = await records.get(keyOf(fields));
      expect(stored?.fields).toMatchObject({ ...fields, kit_size: 'M', shirt_number: '7' });
    });

    it('reads back every field as written, in the club formats', async () => {
      const records = await make();
      const fields = aRegistration({
        description_of_player_medical_issues: 'Asthma. Notes: inhaler in bag',
        player_has_any_medical_issues: 'Y',
        sms_sent_at: '2025-08-01T10:20:00.000Z',
        sms_delivery_status: 'pending',
        id_image_link: 'https://photos.example.org/2526/jack.jpg',
      });
      await records.upsert(fields);
      expect(await records.get(keyOf(fields))).toEqual({ fields, unreadable: [] });
    });

    it('updates fields in place and leaves the others alone', async () => {
      const records = await make();
      const fields = aRegistration();
      await records.upsert(fields);
      await records.update(keyOf(fields), {
        billing_request_id: 'BRQ000123',
        preferred_payment_day: -1,
      });
      const stored = await records.get(keyOf(fields));
      expect(stored?.fields).toEqual({
        ...fields,
        billing_request_id: 'BRQ000123',
        preferred_payment_day: -1,
      });
    });

    it('refuses to update a record that does not exist', async () => {
      const records = await make();
      await expect(records.update(keyOf(aRegistration()), { kit_size: 'S' })).rejects.toThrow(
        RegistrationRecordNotFoundError,
      );
    });

    it("deletes one child's record, leaving the others, and a second delete finds nothing", async () => {
      const records = await make();
      const jack = aRegistration();
      const sister = aRegistration({ player_first_name: 'Ella', player_dob: '02-03-2017' });
      await records.upsert(jack);
      await records.upsert(sister);
      expect(await records.delete(keyOf(jack))).toBe(true);
      expect(await records.delete(keyOf(jack))).toBe(false);
      expect(await records.get(keyOf(jack))).toBeNull();
      expect((await records.get(keyOf(sister)))?.fields.player_first_name).toBe('Ella');
    });

    it('answers null for a child with no record', async () => {
      const records = await make();
      await records.upsert(aRegistration());
      const other = { ...keyOf(aRegistration()), dateOfBirth: '15-03-2016' };
      expect(await records.get(other)).toBeNull();
    });

    it('refuses fields outside the club formats before writing anything', async () => {
      const records = await make();
      const bad = aRegistration({ player_dob: '2016-03-14' });
      await expect(records.upsert(bad)).rejects.toThrow();
      expect(await records.listTeam({ season: '2526', team: 'Lions', ageGroup: 'U10' })).toEqual(
        [],
      );
    });

    it('keeps every awkward name as its own record and finds each by its exact key', async () => {
      const records = await make();
      const all = AWKWARD_NAMES.map(([first, last]) =>
        aRegistration({ player_first_name: first, player_last_name: last }),
      );
      for (const fields of all) await records.upsert(fields);
      for (const fields of all) await records.upsert(fields);
      for (const fields of all) {
        const stored = await records.get(keyOf(fields));
        expect(stored?.fields.player_last_name).toBe(fields.player_last_name);
        expect(stored?.fields.player_first_name).toBe(fields.player_first_name);
      }
      const team = await records.listTeam({ season: '2526', team: 'lions', ageGroup: 'u10' });
      expect(team).toHaveLength(AWKWARD_NAMES.length);
    });

    it('keeps seasons apart: the same child has one record in each', async () => {
      const records = await make();
      await records.upsert(aRegistration({ season: '2425', age_group: 'u9', kit_size: 'S' }));
      await records.upsert(aRegistration());
      const now = await records.get(keyOf(aRegistration()));
      const before = await records.get({ ...keyOf(aRegistration()), season: '2425' });
      expect(now?.fields.kit_size).toBeUndefined();
      expect(before?.fields).toMatchObject({ season: '2425', age_group: 'u9', kit_size: 'S' });
    });

    it.each([
      ['the same spelling', 'Aoife', 'Ní Bhriain', 'Lions', 'U9'],
      ['no accent and lower case', 'aoife', 'ni bhriain', 'lions', 'u9'],
      ['an upper-case team', 'AOIFE', 'NÍ BHRIAIN', 'LIONS', 'U9'],
    ])('finds a returning player from last season by %s', async (_, first, last, team, age) => {
      const records = await make();
      const previous = aRegistration({
        season: '2425',
        age_group: 'u9',
        player_first_name: 'Aoife',
        player_last_name: 'Ní Bhriain',
        shirt_number: '9',
      });
      await records.upsert(previous);
      await records.upsert(aRegistration({ season: '2425', age_group: 'u9' }));
      const found = await records.findPrevious('2425', {
        firstName: first,
        lastName: last,
        team,
        ageGroup: age,
      });
      expect(found.map((record) => record.fields)).toEqual([previous]);
    });

    it.each([
      ["O'Brien", 'O’Brien'],
      ["D'Souza", 'dsouza'],
      ['Smith-Jones', 'smith jones'],
    ])('finds %s when the code says %s', async (stored, asked) => {
      const records = await make();
      await records.upsert(
        aRegistration({ season: '2425', age_group: 'u9', player_last_name: stored }),
      );
      const found = await records.findPrevious('2425', {
        firstName: 'JACK',
        lastName: asked,
        team: 'Lions',
        ageGroup: 'U9',
      });
      expect(found.map((record) => record.fields.player_last_name)).toEqual([stored]);
    });

    it('does not find a returning player in another team or age group', async () => {
      const records = await make();
      await records.upsert(aRegistration({ season: '2425', age_group: 'u9' }));
      const query = { firstName: 'Jack', lastName: 'Smith' };
      expect(
        await records.findPrevious('2425', { ...query, team: 'Tigers', ageGroup: 'U9' }),
      ).toEqual([]);
      expect(
        await records.findPrevious('2425', { ...query, team: 'Lions', ageGroup: 'U10' }),
      ).toEqual([]);
    });

    it('finds a returning player in any age group of the team when none is given', async () => {
      const records = await make();
      await records.upsert(aRegistration({ season: '2425', age_group: 'u9' }));
      const found = await records.findPrevious('2425', {
        firstName: 'Jack',
        lastName: 'Smith',
        team: 'Lions',
      });
      expect(found.map((record) => record.fields.age_group)).toEqual(['u9']);
    });

    it("lists one team's records with their shirt numbers", async () => {
      const records = await make();
      await records.upsert(aRegistration({ shirt_number: '4' }));
      await records.upsert(aRegistration({ player_first_name: 'Amy', shirt_number: '5' }));
      await records.upsert(
        aRegistration({ player_first_name: 'Ben', team: 'Tigers', shirt_number: '6' }),
      );
      await records.upsert(
        aRegistration({ player_first_name: 'Cal', age_group: 'u11', shirt_number: '8' }),
      );
      const team = await records.listTeam({ season: '2526', team: 'Lions', ageGroup: 'U10' });
      expect(team.map((record) => record.fields.shirt_number).sort()).toEqual(['4', '5']);
    });
  });
}
