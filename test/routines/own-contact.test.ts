import { describe, expect, it } from 'vitest';
import { interpretOffline } from '../../machines/interpreter.ts';
import { defaultClub } from '../../routines/club.ts';
import type { RoutineView } from '../../routines/define-routine.ts';
import { routines } from '../../routines/index.ts';
import { saysHasNone } from '../../routines/parsers/own-contact.ts';

/** A U16 player whose parent answers routines 23 and 24 (the player's own mobile and e-mail). */
const view: RoutineView = {
  draft: {
    parentFirstName: 'Sarah',
    parentLastName: 'Jones',
    childFirstName: 'Leo',
    parentMobile: '07700900999',
    parentEmail: 'sarah@example.com',
  },
  club: defaultClub,
  team: { name: 'Panthers', ageGroup: 'U16', needsNewKit: true },
  today: '2025-08-01',
};

const read = (routine: 'playerMobile' | 'playerEmail', text: string) =>
  interpretOffline(
    { text, recent: async () => [], agent: 'new_registration', routine, view },
    defaultClub,
  );

const NO_MOBILE = { playerMobile: null, playerHasNoMobile: true };
const NO_EMAIL = { playerEmail: null, playerHasNoEmail: true };

/** Routine 23: the player's own mobile, or a clear "he hasn't got one"; anything else is not stored. */
const MOBILE: [says: string, answer: Record<string, unknown> | null][] = [
  ['none', NO_MOBILE],
  ['None.', NO_MOBILE],
  ["he hasn't got one", NO_MOBILE],
  ['he hasnt got a phone', NO_MOBILE],
  ['She doesn’t have a mobile', NO_MOBILE],
  ['no phone', NO_MOBILE],
  ['no mobile yet', NO_MOBILE],
  ["he's not got one", NO_MOBILE],
  ['they do not have a mobile phone', NO_MOBILE],
  ["no he doesn't", NO_MOBILE],
  ["nope, she hasn't got her own phone", NO_MOBILE],
  ['he has no phone of his own 😅', NO_MOBILE],
  ["he doesn't have one yet", NO_MOBILE],
  ["he's 16 but hasn't got a mobile", NO_MOBILE],
  ['07700 900 456', { playerMobile: '07700900456', playerHasNoMobile: false }],
  ['his is 07700900457', { playerMobile: '07700900457', playerHasNoMobile: false }],
  ['ask him', null],
  ['not sure', null],
  ['?', null],
  ['does he need one?', null],
  ['what if he has no phone?', null],
  ["I'll check with him", null],
  ["I don't know his number", null],
  ['no', null],
  ['n/a', null],
  ["i'd rather not say", null],
  ['I think he has no phone', null],
  ['07700900999', null],
];

/** Routine 24: the player's own e-mail, or a clear "she hasn't got one". */
const EMAIL: [says: string, answer: Record<string, unknown> | null][] = [
  ['none', NO_EMAIL],
  ['nothing', NO_EMAIL],
  ["she doesn't have an email", NO_EMAIL],
  ['no email', NO_EMAIL],
  ['No e-mail address', NO_EMAIL],
  ["he hasn't got one", NO_EMAIL],
  ["he's not on email", NO_EMAIL],
  ['he doesnt use email', NO_EMAIL],
  ['no he hasnt got one sorry', NO_EMAIL],
  ['Leo.J@Example.com', { playerEmail: 'leo.j@example.com', playerHasNoEmail: false }],
  ['ask her', null],
  ['not sure', null],
  ['??', null],
  ['does she have to have one?', null],
  ['dunno', null],
  ['he has no phone', null],
  ['sarah@example.com', null],
  ['let me find out', null],
];

describe('a U16+ player without a mobile or e-mail (routines 23, 24)', () => {
  it.each(MOBILE)('23 reads %j as %j', (says, answer) => {
    const event = read('playerMobile', says);
    expect(event.type === 'user.answered' ? event.answer : null).toEqual(answer);
  });

  it.each(EMAIL)('24 reads %j as %j', (says, answer) => {
    const event = read('playerEmail', says);
    expect(event.type === 'user.answered' ? event.answer : null).toEqual(answer);
  });

  it.each([
    ['he hasnt got a phone', 'mobile', true],
    ['he hasnt got a phone', 'email', false],
    ['no email', 'mobile', false],
    ['no one knows', 'mobile', false],
    ['he has a phone but it is broken', 'mobile', false],
    ['none, ask me instead', 'mobile', false],
  ] as const)('the parser reads %j about the %s as none: %s', (says, contact, none) => {
    expect(saysHasNone(says, contact)).toBe(none);
  });

  it.each([
    ["actually he hasn't got an email", 'playerEmail'],
    ['sorry he has no mobile', 'playerMobile'],
    ['sorry my email is sarah.j@example.com', 'parentEmail'],
    ['sorry my mobile is 07700 900 111', 'parentMobile'],
  ])('at the summary reads %j as a change to %s', (says, routine) => {
    const asked = {
      ...view,
      draft: { ...view.draft, playerMobile: '07700900456', playerEmail: 'leo@example.com' },
    };
    const event = interpretOffline(
      {
        text: says,
        recent: async () => [],
        agent: 'new_registration',
        routine: 'confirmDetails',
        view: asked,
      },
      defaultClub,
    );
    expect(event).toMatchObject({ type: 'user.corrected', routine });
  });

  it.each([
    ['playerMobile', "what if he doesn't have a phone?"],
    ['playerMobile', 'does he need a mobile?'],
    ['playerMobile', 'and if he has no phone'],
    ['playerEmail', "what happens if she hasn't got an email?"],
    ['playerEmail', 'does she have to have an email?'],
  ] as const)('at %s answers %j with the way forward, storing nothing', (routine, says) => {
    expect(read(routine, says)).toEqual({ type: 'user.asked', answer: routines[routine].why });
    expect(routines[routine].why).toMatch(/just say so and the club will contact them through you/);
  });

  it('tells the parent the way forward when the reply is not a number', () => {
    const event = read('playerMobile', 'he uses mine');
    expect(event).toMatchObject({ type: 'user.unclear' });
    const reason = event.type === 'user.unclear' ? event.reason : '';
    expect(reason).toContain("Please type Leo's UK mobile number.");
    expect(reason).toContain("If Leo hasn't got a mobile, just say so.");
  });
});
