import { describe, expect, it } from 'vitest';
import { routines } from '../../routines/index.ts';
import { createHarness } from '../support/harness.ts';
import { aParent, journey, outcomes, theRecord } from './journeys.ts';

/** A U16 registration up to the child's address (routine 22 sends it on to 23). */
const TO_THE_PLAYER = journey().map(([text]) => text);
TO_THE_PLAYER.splice(0, 1, '200-Panthers-U16-2526');
TO_THE_PLAYER.splice(2, 2, 'Sam Jones', '3rd feb 2010');
const AFTER_THE_SUMMARY = TO_THE_PLAYER.splice(16);

const NONE = 'None — the club will contact Sam through you';

describe('a U16+ player without a mobile or e-mail of their own', () => {
  it('records "none" for both, says so at the summary and saves a record the club can act on', async () => {
    const harness = await createHarness();
    const parent = aParent(harness);
    const atMobile = await parent.sayAll(TO_THE_PLAYER);
    expect(atMobile.routineNumber).toBe(23);
    expect(atMobile.reply).toMatch(/if Sam hasn't got a mobile, just say so/);

    const deferred = await parent.say('ask him');
    expect(deferred.routineNumber).toBe(23);
    const atEmail = await parent.say("he hasn't got one");
    expect(atEmail.routineNumber).toBe(24);

    const why = await parent.say('why do you need this?');
    expect(why.routineNumber).toBe(24);
    expect(why.reply).toContain(routines.playerEmail.why);
    const unsure = await parent.say('not sure');
    expect(unsure.routineNumber).toBe(24);

    const summary = await parent.say('no email');
    expect(summary.routineNumber).toBe(28);
    expect(summary.reply).toContain(`**Player's mobile:** ${NONE}`);
    expect(summary.reply).toContain(`**Player's e-mail:** ${NONE}`);

    const paymentDay = await parent.say('yes');
    expect(paymentDay.routineNumber).toBe(29);
    const paymentLink = await parent.say('15');
    expect(paymentLink.routineNumber).toBe(30);
    expect(paymentLink.reply).toMatch(/saved the registration/);
    expect((await outcomes(harness)).billingRequests).toBe(1);
    const draft = (await parent.context())?.draft;
    expect(draft).toMatchObject({
      playerMobile: null,
      playerHasNoMobile: true,
      playerEmail: null,
      playerHasNoEmail: true,
    });

    const record = await theRecord(harness);
    expect(record.fields.player_contact_via_parent).toBe('Y');
    expect(record.fields.player_telephone).toBeUndefined();
    expect(record.fields.player_email).toBeUndefined();
    expect(record.fields.parent_telephone).toBe('07700900123');

    const done = await parent.sayAll(AFTER_THE_SUMMARY.slice(2));
    expect(done.routineNumber).toBe(34);
    expect((await theRecord(harness)).fields.player_contact_via_parent).toBe('Y');
  });

  it('takes a mobile given at the summary instead of "none", and still flags the missing e-mail', async () => {
    const harness = await createHarness();
    const parent = aParent(harness);
    await parent.sayAll([...TO_THE_PLAYER, 'no phone', 'none']);
    const changed = await parent.say('his mobile is 07700 900 456');
    expect(changed.routineNumber).toBe(28);
    expect(changed.reply).toContain("**Player's mobile:** 07700900456");
    expect(changed.reply).toContain(`**Player's e-mail:** ${NONE}`);
    await parent.sayAll(['yes', '15']);
    const { fields } = await theRecord(harness);
    expect(fields).toMatchObject({
      player_telephone: '07700900456',
      player_contact_via_parent: 'Y',
    });
    expect(fields.player_email).toBeUndefined();
  });

  it("reads \"he hasn't got an email\" at the summary as the player's, not the parent's", async () => {
    const harness = await createHarness();
    const parent = aParent(harness);
    await parent.sayAll([...TO_THE_PLAYER, '07700 900 456', 'sam@example.com']);
    const changed = await parent.say("actually he hasn't got an email");
    expect(changed.routineNumber).toBe(28);
    expect(changed.reply).toContain(`**Player's e-mail:** ${NONE}`);
    expect(changed.reply).toContain('**Your e-mail:** sarah@example.com');
    await parent.sayAll(['yes', '15']);
    const { fields } = await theRecord(harness);
    expect(fields).toMatchObject({
      player_telephone: '07700900456',
      parent_email: 'sarah@example.com',
      player_contact_via_parent: 'Y',
    });
    expect(fields.player_email).toBeUndefined();
  });

  it('flags nothing when the player gives both', async () => {
    const harness = await createHarness();
    const parent = aParent(harness);
    await parent.sayAll([...TO_THE_PLAYER, '07700 900 456', 'sam@example.com', 'yes', '15']);
    expect((await theRecord(harness)).fields).toMatchObject({
      player_telephone: '07700900456',
      player_email: 'sam@example.com',
      player_contact_via_parent: 'N',
    });
  });
});
