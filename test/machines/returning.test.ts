import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionId } from '../../machines/chat-service.ts';
import { storeSession, type LegacyEnvelope } from '../support/stored.ts';
import { identityOf, registrationIdOf } from '../../routines/identity.ts';
import {
  DEMO_PLAYERS,
  lastSeasonIdOf,
  lastSeasonRecord,
  type DemoPlayer,
} from '../../server/demo-players.ts';
import { createHarness, type Harness } from '../support/harness.ts';
import { aParent } from './journeys.ts';

const [ALFIE, NOAH] = DEMO_PLAYERS as [DemoPlayer, DemoPlayer, DemoPlayer];

/** A harness whose store holds last season's demo players. */
async function withLastSeason(): Promise<Harness> {
  const harness = await createHarness();
  for (const player of DEMO_PLAYERS) {
    await harness.ports.registrations.upsert(
      lastSeasonIdOf(player, harness.club),
      lastSeasonRecord(player, harness.club),
    );
  }
  return harness;
}

const codeOf = (player: DemoPlayer, name = `${player.child.firstName}-${player.child.lastName}`) =>
  `100-${player.team}-${player.ageGroup}-2526-${name.replace(/'/g, '')}`;

/** This season's record of a demo player, once saved. */
async function thisSeason(harness: Harness, player: DemoPlayer) {
  const identity = identityOf('2526', {
    childFirstName: player.child.firstName,
    childLastName: player.child.lastName,
    childDateOfBirth: player.child.dateOfBirth.split('-').reverse().join('-'),
  });
  return harness.ports.registrations.get(registrationIdOf(identity ?? never()));
}
const never = (): never => {
  throw new Error('no identity');
};

/** Every value of a demo player a stranger must never see. */
const secretsOf = (player: DemoPlayer) => [
  player.child.dateOfBirth,
  player.child.dateOfBirth.split('-').reverse().join('-'),
  player.parent.firstName,
  player.parent.mobile,
  player.parent.email,
  player.address.street,
  player.address.postcode,
  player.shirtNumber === '7' ? 'number 7' : `number ${player.shirtNumber}`,
  ...(player.medical ? [player.medical] : []),
];

describe('returning players (100 codes)', () => {
  it('re-registers a child with nothing changed: kit not due, number kept, photo on file', async () => {
    const harness = await withLastSeason();
    const parent = aParent(harness);
    const steps: [string, number | null][] = [
      [codeOf(NOAH), 101],
      ['20/01/2013', 102],
      ['yes', 103],
      ['yes', 104],
      ['yes', 28],
      ['yes', 29],
      ['15', 30],
      ['yes', 35],
    ];
    for (const [text, routine] of steps) {
      const turn = await parent.say(text);
      expect([text, turn.routineNumber, turn.agent]).toEqual([text, routine, 're_registration']);
    }
    const record = await thisSeason(harness, NOAH);
    expect(record?.fields).toMatchObject({
      registration_type: '100',
      season: '2526',
      team: 'Tigers',
      age_group: 'u13',
      parent_telephone: NOAH.parent.mobile,
      description_of_player_medical_issues: 'Asthma',
      shirt_number: '4',
      id_image_link: 'demo/noah.jpg',
      new_kit_required: 'N',
      previous_registration_id: lastSeasonIdOf(NOAH, harness.club),
    });
  });

  it('asks only the changed mobile, then kit (due), keeps the number and asks for a photo', async () => {
    const harness = await withLastSeason();
    const parent = aParent(harness);
    const steps: [string, number | null][] = [
      [codeOf(ALFIE), 101],
      ['07700 900101', 102],
      ['new mobile number', 8],
      ['07700 900999', 103],
      ['yes', 104],
      ['yes', 28],
      ['yes', 29],
      ['15', 30],
      ['yes', 32],
      ['M', 34],
    ];
    for (const [text, routine] of steps) {
      const turn = await parent.say(text);
      expect([text, turn.routineNumber]).toEqual([text, routine]);
    }
    const record = await thisSeason(harness, ALFIE);
    expect(record?.fields).toMatchObject({
      parent_telephone: '07700900999',
      parent_email: ALFIE.parent.email,
      parent_post_code: ALFIE.address.postcode,
      shirt_number: '7',
      kit_size: 'M',
      new_kit_required: 'Y',
      previous_registration_id: lastSeasonIdOf(ALFIE, harness.club),
    });
  });

  it("reveals nothing of someone else's child after two wrong answers, then gives the club's contact", async () => {
    const harness = await withLastSeason();
    const parent = aParent(harness);
    const first = await parent.say(codeOf(ALFIE));
    // Before the check the session keeps digests only: nothing of the child's record.
    const kept = JSON.stringify(await parent.context());
    for (const secret of secretsOf(ALFIE)) expect(kept).not.toContain(secret);
    const replies = [
      first,
      await parent.say('07700 900555'),
      await parent.say('01/01/2016'),
      await parent.say('yes'),
      await parent.say('07700 900101'),
    ].map((turn) => turn.reply);
    for (const secret of secretsOf(ALFIE)) {
      for (const reply of replies) expect(reply).not.toContain(secret);
    }
    expect(replies[2]).toContain(harness.club.adminEmail);
    expect(await parent.state()).toBe('generic');
    const context = await parent.context();
    expect(JSON.stringify(context)).not.toContain(ALFIE.parent.mobile);
  });

  it('says plainly when no record matches and offers the code’s team for a new player', async () => {
    const harness = await withLastSeason();
    const parent = aParent(harness);
    const notFound = await parent.say('100-Lions-U10-2526-Zed-Nobody');
    expect(notFound.routineNumber).toBe(105);
    expect(notFound.reply).toContain("couldn't find");
    const asNew = await parent.say('yes');
    expect([asNew.routineNumber, asNew.agent]).toEqual([1, 'new_registration']);
    expect(asNew.reply).toContain('Lions U10');
  });

  it('finds a name whatever its case, accents or apostrophes', async () => {
    const harness = await withLastSeason();
    const turn = await aParent(harness).say('100-tigers-u13-2526-NOAH-obrien');
    expect(turn.routineNumber).toBe(101);
  });

  it('continues a version-2 session that rested in the old returning-player stub', async () => {
    const fixture = JSON.parse(
      await readFile(
        join(import.meta.dirname, '../fixtures/snapshots/session-v2-generic.json'),
        'utf8',
      ),
    ) as { sessionId: string; stored: LegacyEnvelope & { snapshot: Record<string, unknown> } };
    const { snapshot } = fixture.stored;
    const context = snapshot.context as Record<string, unknown>;
    // Where the stub left a valid 100 code: in `returningPlayer`, the code still pending.
    const stub = {
      ...fixture.stored,
      snapshot: {
        ...snapshot,
        value: 'returningPlayer',
        context: {
          ...context,
          pendingCode: {
            kind: 'returning',
            team: 'Tigers',
            ageGroup: 'U13',
            season: '2526',
            player: { firstName: 'Jack', lastName: 'Smith' },
            raw: '100-Tigers-U13-2526-Jack-Smith',
          },
          notices: [{ kind: 'returningNotYet' }],
        },
      },
    };
    const harness = await withLastSeason();
    const id = SessionId.parse(fixture.sessionId);
    await storeSession(harness.snapshots, id, stub);
    const turn = await harness.chat.reply({ sessionId: id, text: 'yes', hint: {} });
    expect(turn.reply).not.toMatch(/start again/);
    expect([turn.routineNumber, turn.agent]).toEqual([1, 'new_registration']);
    expect(turn.reply).toContain('Tigers U13');
  });
});
