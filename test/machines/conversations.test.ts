import { ToolUnavailableError } from '../../tools/tool.ts';
import { describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';

const UP_TO_SUMMARY = [
  'Sarah Jones',
  'Leo Jones',
  '3rd feb 2016',
  'boy',
  'no',
  'yes',
  'mum',
  '07700 900 123',
  'sarah@example.com',
  'yes',
  '14/07/1985',
  'M41 0AA',
  '12',
  'yes',
  'yes',
];
const TO_THE_END = ['yes', '15', 'yes', 'M', 'number 7'];

async function say(harness: Harness, ...texts: string[]) {
  let last = await harness.say(texts[0] ?? '');
  for (const text of texts.slice(1)) last = await harness.say(text);
  return last;
}

async function uploadPhoto(harness: Harness) {
  const uploadId = await harness.ports.photos.stage(
    new Uint8Array([0xff, 0xd8, 0xff]),
    'image/jpeg',
  );
  return harness.chat.uploadedPhoto({ sessionId: harness.sessionId, uploadId });
}

describe('conversations', () => {
  it.each([
    ['an unknown team', '200-Wolves-U10-2526', /can't find a Wolves U10 team/],
    ['a team in another age group', '200-Lions-U12-2526', /can't find a Lions U12 team/],
    ['last season', '200-Lions-U10-2425', /different season/],
    ['a new-player code with a name', '200-Lions-U10-2526-Leo-Jones', /don't include a name/],
    ['a returning code without a name', '100-Tigers-U13-2526', /first and last name/],
  ])('answers %s with its own message', async (_title, code, message) => {
    const harness = await createHarness();
    const turn = await harness.say(`my code is ${code}`);
    expect(turn.reply).toMatch(message);
    expect(turn.routineNumber).toBeNull();
  });

  it('answers a side question and asks the same question again', async () => {
    const harness = await createHarness();
    await say(harness, '200-Lions-U10-2526', 'Sarah Jones');
    const turn = await harness.say('how much does it cost?');
    expect(turn.reply).toMatch(/£45/);
    expect(turn.reply).toMatch(/child's full name/);
    expect(turn.routineNumber).toBe(2);
  });

  it('flags a confirmed age-group mismatch on the record without blocking', async () => {
    const harness = await createHarness();
    await say(harness, '200-Lions-U10-2526', 'Sarah Jones', 'Leo Jones');
    const check = await harness.say('01/01/2014');
    expect(check.routineNumber).toBe(3);
    expect(check.reply).toMatch(/older than the U10 age group/);
    await say(harness, 'yes', ...UP_TO_SUMMARY.slice(3), ...TO_THE_END);
    const [record] = await harness.ports.registrations.list();
    expect(record?.fields.age_group_mismatch).toBe('Y');
  });

  it('asks an own-contact age group for the player mobile and e-mail, different from the parent', async () => {
    const harness = await createHarness();
    await say(
      harness,
      '200-Panthers-U16-2526',
      'Sarah Jones',
      'Sam Jones',
      '3rd feb 2010',
      ...UP_TO_SUMMARY.slice(3),
    );
    const same = await harness.say('07700 900 123');
    expect(same.routineNumber).toBe(23);
    expect(same.reply).toMatch(/same as your number/);
    await say(harness, '07700 900 456', 'sam@example.com', ...TO_THE_END);
    const [record] = await harness.ports.registrations.list();
    expect(record?.fields).toMatchObject({
      player_telephone: '07700900456',
      player_email: 'sam@example.com',
    });
  });

  it('re-asks the address after a postcode correction and returns to the summary', async () => {
    const harness = await createHarness();
    await say(harness, '200-Lions-U10-2526', ...UP_TO_SUMMARY);
    expect((await harness.say('the postcode is wrong, it is M32 8JL')).routineNumber).toBe(13);
    const confirm = await harness.say('7');
    expect(confirm.reply).toMatch(/7 Sandy Lane/);
    const summary = await harness.say('yes');
    expect(summary.routineNumber).toBe(28);
    expect(summary.reply).toMatch(/7 Sandy Lane, Stretford, Manchester, M32 8JL/);
  });

  it('keeps a mid-flow correction that needs nothing else and asks the same question again', async () => {
    const harness = await createHarness();
    await say(harness, '200-Lions-U10-2526', 'Sarah Jones', 'Leo Jones');
    const turn = await harness.say('sorry, my name is Sarah Smith');
    expect(turn.reply).toMatch(/updated/);
    expect(turn.routineNumber).toBe(3);
  });

  it('never gives one shirt number to two children of one team', async () => {
    const harness = await createHarness();
    await say(harness, '200-Lions-U10-2526', ...UP_TO_SUMMARY, ...TO_THE_END);
    await uploadPhoto(harness);
    const sibling = await harness.say('and my other son: 200-Lions-U10-2526');
    expect(sibling.reply).toMatch(/another child/);
    expect(sibling.routineNumber).toBe(1);
    await say(
      harness,
      'yes',
      'Max Jones',
      '1st march 2016',
      'boy',
      'no',
      'yes',
      'mum',
      'yes',
      'yes',
      '20',
      'yes',
      'M',
    );
    const taken = await harness.say('7');
    expect(taken.routineNumber).toBe(33);
    expect(taken.reply).toMatch(/number 7 is already taken/);
    expect(taken.reply).not.toMatch(/Leo/);
    expect((await harness.say('8')).routineNumber).toBe(34);
    const records = await harness.ports.registrations.list();
    expect(
      records.map((record) => [record.fields.player_first_name, record.fields.shirt_number]),
    ).toEqual([
      ['Leo', '7'],
      ['Max', '8'],
    ]);
    expect(records[1]?.fields).toMatchObject({
      parent_first_name: 'Sarah',
      parent_telephone: '07700900123',
    });
  });

  it('sends one payment text however often the payment day is resent after a failure', async () => {
    const harness = await createHarness();
    await say(harness, '200-Lions-U10-2526', ...UP_TO_SUMMARY, 'yes');
    const original = harness.ports.sms.enqueue;
    let failures = 1;
    harness.ports.sms.enqueue = async (message) => {
      if (failures-- > 0) throw new ToolUnavailableError('sms');
      return original(message);
    };
    const failed = await harness.say('15');
    expect(failed.routineNumber).toBe(29);
    expect(failed.reply).toMatch(/Nothing you've told me is lost/);
    expect((await harness.say('15')).routineNumber).toBe(30);
    expect(await harness.ports.sms.list()).toHaveLength(1);
    expect(await harness.ports.registrations.list()).toHaveLength(1);
  });
});

describe('photos the flow does not take', () => {
  it('are discarded, not kept', async () => {
    const harness = await createHarness();
    await say(harness, '200-Lions-U10-2526', 'Sarah Jones');
    const uploadId = await harness.ports.photos.stage(
      new Uint8Array([0xff, 0xd8, 0xff]),
      'image/jpeg',
    );
    const turn = await harness.chat.uploadedPhoto({ sessionId: harness.sessionId, uploadId });
    expect(turn.reply).toMatch(/ask for the photo at the end/);
    expect(await harness.ports.photos.readStaged(uploadId)).toBeNull();
  });
});
