import { afterEach, describe, expect, it } from 'vitest';
import { createGoogleAddressSearch } from '../../tools/address-lookup/google.ts';
import { createIdealPostcodesAddressSearch } from '../../tools/address-lookup/ideal-postcodes.ts';
import type { AddressSearch } from '../../tools/address-lookup/port.ts';
import { WORLD } from '../contracts/address-search.contract.ts';
import { googleError, startGooglePlacesServer } from '../fakes/google-places-server.ts';
import { startIdealPostcodesServer, type Scripted } from '../fakes/ideal-postcodes-server.ts';
import { createHarness } from '../support/harness.ts';
import { aParent, theRecord, type Parent } from './journeys.ts';

/** The demo postcode with several flats at number 12 (README: "Try the address lookup"). */
const FLATS_POSTCODE = 'M41 9NJ';
const LIST = /I found 3 addresses at 12 in M41 9NJ\. Which one is yours\?/;
const TYPE_IT = /Please type your full address/;

/** A parent at routine 13 (the house number) after giving `postcode` at 12. */
async function atHouseNumber(postcode = FLATS_POSTCODE, ports?: { addressLookup: AddressSearch }) {
  const harness = await createHarness(ports ? { ports } : {});
  const parent = aParent(harness);
  await parent.reach(12);
  expect((await parent.say(postcode)).routineNumber).toBe(13);
  return { harness, parent };
}

/** A parent at routine 19 (the child's house number) after giving `postcode` at 18. */
async function atChildHouseNumber(postcode = FLATS_POSTCODE) {
  const harness = await createHarness();
  const parent = aParent(harness);
  await parent.reach(16);
  expect((await parent.say('no, he lives with his dad')).routineNumber).toBe(18);
  expect((await parent.say(postcode)).routineNumber).toBe(19);
  return { harness, parent };
}

const lineOf = async (parent: Parent, who: 'parent' | 'child') =>
  (await parent.context())?.draft[who === 'parent' ? 'parentAddress' : 'childAddress']?.line1;

describe('several addresses at the house (routine 13)', () => {
  it('shows a short numbered list at 13', async () => {
    const { parent } = await atHouseNumber();
    const turn = await parent.say('12');
    expect(turn.routineNumber).toBe(13);
    expect(turn.state).toBe('newRegistration.chooseParentAddress');
    expect(turn.reply).toMatch(LIST);
    expect(turn.reply).toContain('1. Flat 1, 12 Princess Road, Urmston, Manchester, M41 9NJ');
    expect(turn.reply).toContain('3. Flat 3, 12 Princess Road, Urmston, Manchester, M41 9NJ');
  });

  it.each([
    ['2', 'Flat 2, 12 Princess Road'],
    ['flat 3', 'Flat 3, 12 Princess Road'],
    ['the first one', 'Flat 1, 12 Princess Road'],
    ["it's the 2nd", 'Flat 2, 12 Princess Road'],
  ])('reads "%s" as a pick from the list, then asks to confirm it', async (says, line1) => {
    const { parent } = await atHouseNumber();
    await parent.say('12');
    const turn = await parent.say(says);
    expect(turn.routineNumber).toBe(15);
    expect(turn.reply).toContain(`**${line1}, Urmston, Manchester, M41 9NJ**`);
    expect(await lineOf(parent, 'parent')).toBe(line1);
    expect((await parent.context())?.draft.parentAddressChoices).toBeUndefined();
  });

  it.each(['none of these', "it's not there", 'no'])(
    'lets the parent type the address after "%s"',
    async (says) => {
      const { parent } = await atHouseNumber();
      await parent.say('12');
      const turn = await parent.say(says);
      expect(turn.routineNumber).toBe(14);
      expect(turn.reply).toMatch(TYPE_IT);
    },
  );

  it('asks again for a number that is not on the list', async () => {
    const { parent } = await atHouseNumber();
    await parent.say('12');
    const turn = await parent.say('7');
    expect(turn.routineNumber).toBe(13);
    expect(turn.reply).toMatch(/a number from 1 to 3/);
  });

  it('stores the picked flat on the record', async () => {
    const { harness, parent } = await atHouseNumber();
    await parent.sayAll(['12', '2', 'yes', 'yes', 'yes']);
    expect((await parent.say('15')).routineNumber).toBe(30);
    const { fields } = await theRecord(harness);
    expect(fields).toMatchObject({
      parent_house_number: 'Flat 2, 12',
      parent_address_line_1: 'Flat 2, 12 Princess Road',
      parent_post_code: 'M41 9NJ',
    });
  });
});

describe('a house that is not in the postcode (routine 13)', () => {
  it('asks kindly whether the number is right', async () => {
    const { parent } = await atHouseNumber();
    const turn = await parent.say('99');
    expect(turn.routineNumber).toBe(13);
    expect(turn.state).toBe('newRegistration.parentHouseNotFound');
    expect(turn.reply).toContain(
      "I couldn't find number 99 in M41 9NJ — is the number right, or shall we type the address?",
    );
  });

  it.each([
    ['14', 15, '14 Princess Road'],
    ["sorry, it's 14", 15, '14 Princess Road'],
    ['12', 13, undefined],
  ])('looks the house up again after "%s"', async (says, routine, line1) => {
    const { parent } = await atHouseNumber();
    await parent.say('99');
    const turn = await parent.say(says);
    expect(turn.routineNumber).toBe(routine);
    expect(await lineOf(parent, 'parent')).toBe(line1);
    if (routine === 13) expect(turn.reply).toMatch(LIST);
  });

  it.each(['type it', "yes that's right", '99'])(
    'lets the parent type the address after "%s"',
    async (says) => {
      const { parent } = await atHouseNumber();
      await parent.say('99');
      const turn = await parent.say(says);
      expect(turn.routineNumber).toBe(14);
      expect(turn.reply).toMatch(TYPE_IT);
    },
  );
});

describe('a postcode the lookup does not know (routine 13)', () => {
  it('asks whether the postcode is right, then looks up a corrected one', async () => {
    const { parent } = await atHouseNumber('M1 1AA');
    const asked = await parent.say('12');
    expect(asked.routineNumber).toBe(13);
    expect(asked.reply).toContain(
      "I couldn't find the postcode M1 1AA — is it right, or shall we type the address?",
    );
    const turn = await parent.say('sorry, it is M41 0AA');
    expect(turn.routineNumber).toBe(15);
    expect(turn.reply).toContain('**12 Moorside Road, Urmston, Manchester, M41 0AA**');
    expect((await parent.context())?.draft.parentPostcode).toBe('M41 0AA');
  });

  it('lets the parent type the address when the postcode is right', async () => {
    const { parent } = await atHouseNumber('M1 1AA');
    await parent.say('12');
    expect((await parent.say("yes it's correct")).routineNumber).toBe(14);
    const typed = await parent.say('12 Acacia Avenue, Urmston, Manchester, M1 1AA');
    expect(typed.routineNumber).toBe(15);
  });
});

describe("the child's address (routine 19)", () => {
  it('lists the flats and takes a pick to the confirmation at 21', async () => {
    const { parent } = await atChildHouseNumber();
    const listed = await parent.say('12');
    expect(listed.routineNumber).toBe(19);
    expect(listed.reply).toMatch(/I found 3 addresses at 12 in M41 9NJ\. Which one is Leo's\?/);
    const turn = await parent.say('3');
    expect(turn.routineNumber).toBe(21);
    expect(await lineOf(parent, 'child')).toBe('Flat 3, 12 Princess Road');
  });

  it('types the address at 20 after "none of these"', async () => {
    const { parent } = await atChildHouseNumber();
    await parent.say('12');
    expect((await parent.say('none of these')).routineNumber).toBe(20);
  });

  it('asks about a house not in the postcode, then looks up the corrected one', async () => {
    const { parent } = await atChildHouseNumber();
    const asked = await parent.say('41');
    expect(asked.routineNumber).toBe(19);
    expect(asked.reply).toContain("I couldn't find number 41 in M41 9NJ");
    const turn = await parent.say('16');
    expect(turn.routineNumber).toBe(21);
    expect(await lineOf(parent, 'child')).toBe('16 Princess Road');
  });

  it('asks about an unknown postcode, and types the address on request', async () => {
    const { parent } = await atChildHouseNumber('M1 1AA');
    const asked = await parent.say('4');
    expect(asked.reply).toContain("I couldn't find the postcode M1 1AA");
    expect((await parent.say('type it please')).routineNumber).toBe(20);
  });
});

/** The port's whole budget for one lookup, retry included. */
const TIMEOUT_MS = 400;
/** What a turn may take beyond the lookup's budget (the rest of the turn is local and fast). */
const SLACK_MS = 600;

const PROVIDERS = {
  google: async () => {
    const server = await startGooglePlacesServer({ apiKey: 'key', world: WORLD });
    const search = createGoogleAddressSearch({
      apiKey: 'key',
      baseUrl: server.baseUrl,
      timeoutMs: TIMEOUT_MS,
    });
    return { server, search };
  },
  'ideal-postcodes': async () => {
    const server = await startIdealPostcodesServer({ apiKey: 'key', world: WORLD });
    const search = createIdealPostcodesAddressSearch({
      apiKey: 'key',
      baseUrl: server.baseUrl,
      timeoutMs: TIMEOUT_MS,
    });
    return { server, search };
  },
};

const UNAVAILABLE: Scripted = {
  type: 'reply',
  status: 503,
  body: googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.'),
};

/** Each fault for both attempts where the adapter retries (5xx, a timeout, a transport failure). */
const FAULTS: [string, Scripted[]][] = [
  ['hangs', [{ type: 'hang' }, { type: 'hang' }]],
  [
    'answers too slowly',
    [
      { type: 'slow', ms: 2_000 },
      { type: 'slow', ms: 2_000 },
    ],
  ],
  ['fails with 5xx', [UNAVAILABLE, UNAVAILABLE]],
  ['refuses the key (401)', [{ type: 'reply', status: 401, body: {} }]],
  ['limits the rate (429)', [{ type: 'reply', status: 429, body: {} }]],
  ['answers nonsense', [{ type: 'garbage' }, { type: 'garbage' }]],
];

describe('a provider that is down or slow', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  const cases = Object.keys(PROVIDERS).flatMap((provider) =>
    FAULTS.map(([fault, script]) => [provider as keyof typeof PROVIDERS, fault, script] as const),
  );

  it.each(cases)(
    '%s that %s never holds the turn beyond its timeout and lets the parent type the address',
    async (provider, _fault, script) => {
      const { server, search } = await PROVIDERS[provider]();
      closers.push(server.close);
      const { parent } = await atHouseNumber('M32 8JL', { addressLookup: search });
      for (const step of script) server.script(step);
      const started = performance.now();
      const turn = await parent.say('12');
      const took = performance.now() - started;
      expect(turn.routineNumber).toBe(14);
      expect(turn.reply).toMatch(TYPE_IT);
      expect(took).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      const typed = await parent.say('12 Sandy Lane, Stretford, Manchester, M32 8JL');
      expect(typed.routineNumber).toBe(15);
    },
  );

  it.each(Object.keys(PROVIDERS))(
    '%s that answers finds the house through the same flow',
    async (provider) => {
      const { server, search } = await PROVIDERS[provider as keyof typeof PROVIDERS]();
      closers.push(server.close);
      const { parent } = await atHouseNumber('M32 8JL', { addressLookup: search });
      const several = await parent.say('14');
      expect(several.routineNumber).toBe(13);
      expect(several.reply).toMatch(/1\. Flat 2, 14 Sandy Lane/);
      const turn = await parent.say('flat 3');
      expect(turn.routineNumber).toBe(15);
      expect(turn.reply).toContain('Flat 3, 14 Sandy Lane, Stretford, Manchester, M32 8JL');
    },
  );
});
