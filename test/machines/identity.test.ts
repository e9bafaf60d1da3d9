import { describe, expect, it } from 'vitest';
import { createSqliteSnapshotStore } from '../../tools/snapshots/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import { createHarness } from '../support/harness.ts';
import { AFTER_THE_CHILD, CODE, aParent, outcomes, theRecord, type Child } from './journeys.ts';

const LEO: Child = { name: "Leo O'Brien", dateOfBirth: '3rd feb 2016' };
/** The same child as another device types it: another apostrophe, case and date format. */
const LEO_AGAIN: Child = { name: 'leo o’brien', dateOfBirth: '03/02/2016' };
const MAX: Child = { name: "Max O'Brien", dateOfBirth: '1st march 2016' };

const UNDER_WAY = /already has a registration under way/;

/** Two chats on the same stores, as two tabs or two devices of one family. */
async function twoChats() {
  const first = await createHarness();
  const second = await createHarness({ shareWith: first });
  return { first, second, a: aParent(first), b: aParent(second) };
}

describe('one registration per child and season, whatever the session', () => {
  it.each([
    ['saved in the other chat', 34],
    ['finished in the other chat (photo and all)', 35],
    ['part-way in the other chat', 16],
  ])('offers to carry on with a child %s, and "no" stops politely', async (_title, reached) => {
    const { first, a, b } = await twoChats();
    await a.reach(reached, LEO);
    const before = await outcomes(first);
    await b.sayAll([CODE, 'Sarah OBrien', LEO_AGAIN.name]);
    const offer = await b.say(LEO_AGAIN.dateOfBirth);
    expect(offer.routineNumber).toBe(3);
    expect(offer.reply).toMatch(UNDER_WAY);
    const no = await b.say('no thanks');
    expect(no.routineNumber).toBeNull();
    expect(no.reply).toMatch(/finish it in the other chat/);
    expect(await outcomes(first)).toEqual(before);
  });

  it('carries on here after "yes" and ends with one record, one billing request and one text', async () => {
    const { first, a, b } = await twoChats();
    await a.reach(34, LEO);
    await b.sayAll([CODE, 'Sarah OBrien', LEO_AGAIN.name, LEO_AGAIN.dateOfBirth]);
    const yes = await b.say('yes, carry on here');
    expect(yes.routineNumber).toBe(4);
    const last = await b.sayAll(AFTER_THE_CHILD);
    expect(last.routineNumber).toBe(34);
    expect(await outcomes(first)).toEqual({ records: 1, billingRequests: 1, texts: 1 });
    const record = await theRecord(first);
    expect(record.fields).toMatchObject({
      player_first_name: 'Leo',
      player_dob: '03-02-2016',
      parent_last_name: 'OBrien',
    });
  });

  it('tells a parent whose child is already paid for that it is already registered', async () => {
    const { first, a, b } = await twoChats();
    await a.reach(35, LEO);
    const { id } = await theRecord(first);
    await first.ports.registrations.update(id, { registration_status: 'active' });
    await b.sayAll([CODE, 'Sarah OBrien', LEO_AGAIN.name]);
    const told = await b.say(LEO_AGAIN.dateOfBirth);
    expect(told.routineNumber).toBeNull();
    expect(told.reply).toMatch(/already registered/);
    expect(told.reply).not.toMatch(UNDER_WAY);
    expect(await outcomes(first)).toEqual({ records: 1, billingRequests: 1, texts: 1 });
  });

  it('gives a different child of the same parent its own record', async () => {
    const { first, a, b } = await twoChats();
    await a.reach(35, LEO);
    await b.sayAll([CODE, 'Sarah Jones', MAX.name]);
    const next = await b.say(MAX.dateOfBirth);
    expect(next.routineNumber).toBe(4);
    await b.sayAll(AFTER_THE_CHILD.slice(0, -1));
    expect((await b.say('number 8')).routineNumber).toBe(34);
    const records = await first.ports.registrations.list();
    expect(records.map((record) => record.fields.player_first_name).sort()).toEqual(['Leo', 'Max']);
    expect(new Set(records.map((record) => record.id)).size).toBe(2);
    expect(await outcomes(first)).toEqual({ records: 2, billingRequests: 2, texts: 2 });
  });
});

describe('a session lost mid-way', () => {
  it("never overwrites another child's record or photo when the same session id starts again", async () => {
    const first = await createHarness();
    const a = aParent(first);
    await a.reach(35, LEO);
    const leo = await theRecord(first);
    expect(leo.fields.id_image_link).toMatch(/\.jpg$/);

    // Redis flushed: the sessions are gone, the records are not; the frontend keeps its session id.
    const flushed = createSqliteSnapshotStore(openDatabase(':memory:'));
    const after = await createHarness({ shareWith: first, snapshots: flushed });
    const again = aParent(after, a.sessionId);
    await again.sayAll([CODE, 'Sarah Jones', MAX.name, MAX.dateOfBirth]);
    await again.sayAll(AFTER_THE_CHILD.slice(0, -1));
    expect((await again.say('number 8')).routineNumber).toBe(34);
    expect((await again.uploadPhoto()).routineNumber).toBe(35);

    const records = await first.ports.registrations.list();
    expect(records).toHaveLength(2);
    expect(await first.ports.registrations.get(leo.id)).toEqual(leo);
    const max = records.find((record) => record.id !== leo.id);
    expect(max?.fields.player_first_name).toBe('Max');
    expect(max?.fields.id_image_link).not.toBe(leo.fields.id_image_link);
  });

  it("is offered to carry on in a new session and never touches another child's record", async () => {
    const first = await createHarness();
    const a = aParent(first);
    await a.reach(35, MAX);
    const max = await theRecord(first);
    await a.sayAll([CODE, 'yes', LEO.name]);
    expect((await a.say(LEO.dateOfBirth)).routineNumber).toBe(4);
    await a.sayAll(['boy', 'no', 'yes', 'mum', 'yes', 'yes']);

    // Leo's chat is lost before its save; the parent starts again in a new session.
    const b = aParent(await createHarness({ shareWith: first }));
    await b.sayAll([CODE, 'Sarah Jones', LEO_AGAIN.name]);
    expect((await b.say(LEO_AGAIN.dateOfBirth)).reply).toMatch(UNDER_WAY);
    await b.say('yes');
    const last = await b.sayAll(AFTER_THE_CHILD.slice(0, -1));
    expect(last.routineNumber).toBe(33);
    expect((await b.say('number 8')).routineNumber).toBe(34);
    expect((await b.uploadPhoto()).routineNumber).toBe(35);

    const records = await first.ports.registrations.list();
    expect(records).toHaveLength(2);
    expect(await first.ports.registrations.get(max.id)).toEqual(max);
  });
});

describe("a corrected child's name or date of birth", () => {
  it('lets go of the first child and offers to carry on with a child under way elsewhere', async () => {
    const { first, a, b } = await twoChats();
    await a.reach(28, LEO);
    // Leo's twin, started in another chat.
    await b.sayAll([CODE, 'Sarah OBrien', MAX.name]);
    expect((await b.say(LEO.dateOfBirth)).routineNumber).toBe(4);

    const moved = await a.say("his name is Max O'Brien");
    expect(moved.routineNumber).toBe(3);
    expect(moved.reply).toMatch(/Max already has a registration under way/);

    const c = aParent(await createHarness({ shareWith: first }));
    await c.sayAll([CODE, 'Sarah OBrien', LEO_AGAIN.name]);
    expect((await c.say(LEO_AGAIN.dateOfBirth)).routineNumber).toBe(4);
    expect(await outcomes(first)).toEqual({ records: 0, billingRequests: 0, texts: 0 });
  });
});

describe('two chats racing for the same child', () => {
  it('lets one claim the child and offers the other to carry on', async () => {
    const { first, a, b } = await twoChats();
    await a.sayAll([CODE, 'Sarah OBrien', LEO.name]);
    await b.sayAll([CODE, 'Sarah OBrien', LEO_AGAIN.name]);
    const turns = await Promise.all([a.say(LEO.dateOfBirth), b.say(LEO_AGAIN.dateOfBirth)]);
    expect(turns.map((turn) => turn.routineNumber).sort()).toEqual([3, 4]);
    expect(turns.filter((turn) => UNDER_WAY.test(turn.reply))).toHaveLength(1);
    expect(await outcomes(first)).toEqual({ records: 0, billingRequests: 0, texts: 0 });
  });

  it('tells the chat whose registration was taken over so at the save, and saves nothing twice', async () => {
    const { first, a, b } = await twoChats();
    await a.sayAll([CODE, 'Sarah OBrien', LEO.name]);
    expect((await a.sayAll([LEO.dateOfBirth, ...AFTER_THE_CHILD.slice(0, 12)])).routineNumber).toBe(
      28,
    );
    await b.sayAll([CODE, 'Sarah OBrien', LEO_AGAIN.name, LEO_AGAIN.dateOfBirth]);
    expect((await b.say('yes')).routineNumber).toBe(4);

    expect((await a.say('yes')).routineNumber).toBe(29);
    const stopped = await a.say('15');
    expect(stopped.routineNumber).toBeNull();
    expect(stopped.reply).toMatch(/carried on in another chat/);
    expect(stopped.reply).toMatch(/nothing has been saved or charged twice/);
    expect(await outcomes(first)).toEqual({ records: 0, billingRequests: 0, texts: 0 });

    expect((await b.sayAll(AFTER_THE_CHILD)).routineNumber).toBe(34);
    expect(await outcomes(first)).toEqual({ records: 1, billingRequests: 1, texts: 1 });
  });

  it('leaves the record alone when the chat that lost it corrects a field after its save', async () => {
    const { first, a, b } = await twoChats();
    await a.reach(32, LEO);
    await b.sayAll([CODE, 'Sarah OBrien', LEO_AGAIN.name, LEO_AGAIN.dateOfBirth, 'yes']);
    const answers = AFTER_THE_CHILD.map((text) =>
      text === 'sarah@example.com' ? 'sarah.obrien@example.com' : text,
    );
    expect((await b.sayAll(answers)).routineNumber).toBe(34);
    const before = await theRecord(first);

    const turn = await a.say('sorry, my email is sarah.jones@example.com');
    expect(turn.reply).not.toMatch(/I've updated that/);
    expect(turn.reply).toMatch(/carried on in another chat/);
    expect(await theRecord(first)).toEqual(before);
  });
});
