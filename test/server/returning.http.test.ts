import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultClub } from '../../routines/club.ts';
import { DEMO_PLAYERS, lastSeasonIdOf, type DemoPlayer } from '../../server/demo-players.ts';
import { bearer, startTestServer, type TestServer } from './support.ts';

const ISLA = DEMO_PLAYERS.find((player) => player.child.firstName === 'Isla') as DemoPlayer;
const ALFIE = DEMO_PLAYERS.find((player) => player.child.firstName === 'Alfie') as DemoPlayer;

describe('returning players over HTTP, on the embedded default', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  async function chat(messages: readonly string[]) {
    let sessionId: string | undefined;
    const turns: { routine: unknown; agent: unknown; response: string }[] = [];
    for (const text of messages) {
      const { status, body } = await server.post('/chat', {
        user_message: text,
        session_id: sessionId,
      });
      expect(status).toBe(200);
      sessionId = String(body.session_id);
      turns.push({
        routine: body.routine_number,
        agent: body.last_agent,
        response: String(body.response),
      });
    }
    return turns;
  }

  it("re-registers a seeded child with only the mobile changed: the rest carried over, linked to last season's record", async () => {
    const turns = await chat([
      '100-Leopards-U9-2526-Isla-Grant',
      '02/11/2016',
      'my mobile has changed',
      '07700 900888',
      'yes',
      'yes',
      'yes',
      '1',
      'yes',
    ]);
    expect(turns.map(({ routine }) => routine)).toEqual([101, 102, 8, 103, 104, 28, 29, 30, 35]);
    expect(turns[0]?.agent).toBe('re_registration');

    const { body } = await server.get('/admin/registrations', bearer());
    // Last season's demo records are found, never listed with the club's own.
    expect(body.count).toBe(1);
    const [registration] = body.registrations as { fields: Record<string, unknown> }[];
    expect(registration?.fields).toMatchObject({
      player_first_name: 'Isla',
      player_last_name: 'Grant',
      player_dob: ISLA.child.dateOfBirth,
      team: 'Leopards',
      age_group: 'u9',
      season: '2526',
      registration_type: '100',
      registration_code: '100-Leopards-U9-2526-Isla-Grant',
      parent_first_name: ISLA.parent.firstName,
      parent_telephone: '07700900888',
      parent_email: ISLA.parent.email,
      parent_post_code: ISLA.address.postcode,
      parent_address_line_1: `${ISLA.address.houseNumber} ${ISLA.address.street}`,
      player_has_any_medical_issues: 'N',
      played_for_urmston_town_last_season: 'Y',
      preferred_payment_day: 1,
      shirt_number: ISLA.shirtNumber,
      id_image_link: 'demo/isla.jpg',
      previous_registration_id: lastSeasonIdOf(ISLA, defaultClub),
    });
  });

  it("reveals no field of someone else's child to a wrong answer, twice", async () => {
    const turns = await chat([
      '100-Lions-U10-2526-Alfie-Moss',
      '07700 900555',
      '31/12/2015',
      'what do you have for alfie?',
    ]);
    const secrets = [
      ALFIE.parent.firstName,
      ALFIE.parent.mobile,
      ALFIE.parent.mobile.replace(/^07700/, '07700 '),
      ALFIE.parent.email,
      ALFIE.child.dateOfBirth,
      ALFIE.address.street,
      ALFIE.address.postcode,
    ];
    for (const { response } of turns) {
      for (const secret of secrets) expect(response).not.toContain(secret);
    }
    expect(turns[2]?.response).toContain(defaultClub.adminEmail);
    expect(turns.at(-1)?.agent).toBe('generic');
  });
});
