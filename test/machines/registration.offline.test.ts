import { describe, expect, it } from 'vitest';
import { createHarness } from '../support/harness.ts';
import { photoKeyFor } from '../../tools/photos/port.ts';

/** What a real parent types, mistakes and all, from the first message to the photo. */
export const MESSY_REGISTRATION = [
  ['hi, my code is 200-Lions-U10-2526', 1],
  ['sarah o’brien', 2],
  ['leo o’brien', 3],
  ['3rd feb 2016', 4],
  ['boy', 5],
  ['he has asthma', 5],
  ['his inhaler is in his kit bag', 6],
  ['nah', 6],
  ['Flixton Juniors', 7],
  ['mum', 8],
  ['07700 900 123', 9],
  ['Sarah.OBrien@Example.com', 10],
  ['yes', 11],
  ['14/07/1985', 12],
  ['m32 8jl', 13],
  ['12', 15],
  ['yes', 16],
  ['no, he lives with his dad', 18],
  ['M41 0AA', 19],
  ['4', 21],
  ['yes', 28],
  ['how much is it?', 28],
  ['yes', 29],
  ['last day of the month', 30],
  ['nothing yet', 32],
  ['9-10', 33],
  ['number 7', 34],
] as const;

describe('a whole registration with the offline interpreter', () => {
  it('goes from the code to routine 35 and stores every normalised value under the club field names', async () => {
    const harness = await createHarness();
    for (const [text, routine] of MESSY_REGISTRATION) {
      const turn = await harness.say(text);
      expect({ text, routine: turn.routineNumber }).toEqual({ text, routine });
    }
    const uploadId = await harness.ports.photos.stage(
      new Uint8Array([0xff, 0xd8, 0xff, 0xe0]),
      'image/jpeg',
    );
    const done = await harness.chat.uploadedPhoto({ sessionId: harness.sessionId, uploadId });
    expect(done.routineNumber).toBe(35);

    const [record, ...others] = await harness.ports.registrations.list();
    expect(others).toHaveLength(0);
    expect(record?.id).toMatch(/^reg-[0-9a-f]{24}$/);
    expect(record?.fields).toEqual({
      player_first_name: 'Leo',
      player_last_name: "O'Brien",
      player_dob: '03-02-2016',
      player_gender: 'Male',
      age_group: 'u10',
      team: 'Lions',
      player_has_any_medical_issues: 'Y',
      description_of_player_medical_issues: 'Asthma. Notes: his inhaler is in his kit bag',
      played_for_urmston_town_last_season: 'N',
      previous_team_name: 'Flixton Juniors',
      player_full_address: '4 Moorside Road, Urmston, Manchester, M41 0AA',
      player_house_number: '4',
      player_address_line_1: '4 Moorside Road',
      player_town: 'Urmston',
      player_city: 'Manchester',
      player_post_code: 'M41 0AA',
      age_group_mismatch: 'N',
      parent_first_name: 'Sarah',
      parent_last_name: "O'Brien",
      parent_relationship_to_player: 'Mother',
      registree_role: 'Parent',
      parent_telephone: '07700900123',
      parent_email: 'sarah.obrien@example.com',
      parent_dob: '14-07-1985',
      communication_consent: 'Y',
      parent_full_address: '12 Sandy Lane, Stretford, Manchester, M32 8JL',
      parent_house_number: '12',
      parent_address_line_1: '12 Sandy Lane',
      parent_town: 'Stretford',
      parent_city: 'Manchester',
      parent_post_code: 'M32 8JL',
      registration_code: '200-Lions-U10-2526',
      registration_type: '200',
      season: '2526',
      registration_status: 'pending_payment',
      initial_db_write_timestamp: '2025-08-01T10:00:00.000Z',
      preferred_payment_day: -1,
      signing_on_fee_amount: 45,
      monthly_subscription_amount: 27.5,
      signing_on_fee_paid: 'N',
      mandate_authorised: 'N',
      subscription_activated: 'N',
      payment_follow_up_count: 0,
      billing_request_id: expect.stringMatching(/^BRQSIM[0-9A-F]{12}$/),
      sms_sent_at: '2025-08-01T10:00:00.000Z',
      sms_delivery_status: 'pending',
      new_kit_required: 'Y',
      kit_type_required: 'Outfield',
      kit_size: '9/10',
      shirt_number: '7',
      id_image_link: `photos/${photoKeyFor(record?.id ?? '')}`,
    });

    const texts = await harness.ports.sms.list();
    expect(texts).toHaveLength(1);
    expect(texts[0]?.to).toBe('+447700900123');
    // The link's token is random (192 bits) and reveals nothing, not even the billing request.
    // Exactly 32 characters of base64url: the token may end in '-', after which \b finds no edge.
    const token = /http:\/\/localhost:8000\/reg_setup\/([A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])/.exec(
      texts[0]?.body ?? '',
    )?.[1];
    expect(token).toBeDefined();
    expect(texts[0]?.body).not.toContain(String(record?.fields.billing_request_id));
  });

  it('logs no personal data on the way', async () => {
    const harness = await createHarness();
    for (const [text] of MESSY_REGISTRATION) await harness.say(text);
    const logged = JSON.stringify(harness.logs);
    for (const secret of [
      "O'Brien",
      'obrien',
      '07700',
      '900123',
      'M32',
      'asthma',
      'inhaler',
      '1985',
      'Sandy Lane',
    ]) {
      expect(logged.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  });
});
