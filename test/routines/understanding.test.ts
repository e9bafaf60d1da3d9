import { describe, expect, it } from 'vitest';
import { interpretOffline, type UserEvent } from '../../machines/interpreter.ts';
import { defaultClub } from '../../routines/club.ts';
import type { RoutineView } from '../../routines/define-routine.ts';
import type { QuestionRoutineId } from '../../routines/index.ts';
import { readRegistrationCode } from '../../routines/registration-code.ts';

/** New real-world phrasings per routine, by category (the corpus test keeps its own, held out). */
const view: RoutineView = {
  draft: { parentFirstName: 'Sarah', parentLastName: 'Jones', childFirstName: 'Mia' },
  club: defaultClub,
  team: { name: 'Lions', ageGroup: 'U10', needsNewKit: true },
  today: '2025-08-01',
};

const read = (routine: QuestionRoutineId, text: string): UserEvent =>
  interpretOffline(
    { text, recent: async () => [], agent: 'new_registration', routine, view },
    defaultClub,
  );

type Case = [says: string, answer: Record<string, unknown> | null];

/** Each routine's cases: an answer must be read exactly; null must never be stored. */
const CASES: Partial<Record<QuestionRoutineId, Case[]>> = {
  childDateOfBirth: [
    ['5th of Decmber 2015', { childDateOfBirth: '2015-12-05' }],
    ['the fifth of december 2015', { childDateOfBirth: '2015-12-05' }],
    ['twenty-second of may 2016', { childDateOfBirth: '2016-05-22' }],
    ['22nd Jully 2016', { childDateOfBirth: '2016-07-22' }],
    ['1st Septemebr 2015', { childDateOfBirth: '2015-09-01' }],
    ['thirtieth of april 2016', { childDateOfBirth: '2016-04-30' }],
    ['Aprl 30th 2016', { childDateOfBirth: '2016-04-30' }],
    ['10th Novemeber 2015', { childDateOfBirth: '2015-11-10' }],
    ['tenth november 2015', { childDateOfBirth: '2015-11-10' }],
    ['born 7th Feburary 2016', { childDateOfBirth: '2016-02-07' }],
    ['seventh of Febraury 2016', { childDateOfBirth: '2016-02-07' }],
    ['its the 3rd of Agust 2016', { childDateOfBirth: '2016-08-03' }],
    ['twelfth of Januray 2016', { childDateOfBirth: '2016-01-12' }],
    ['19th Octeber 2015', { childDateOfBirth: '2015-10-19' }],
    ['2nd june 2016 🎂', { childDateOfBirth: '2016-06-02' }],
    ['she was born on 14.03.2016', { childDateOfBirth: '2016-03-14' }],
    ['dd/mm/yyyy', null],
    ['ask my husband', null],
    ['I will check her birth certificate', null],
    ['not sure', null],
    ['she is 9', null],
    ['why do you need her date of birth?', null],
  ],
  parentName: [
    ['Mrs Jane Doe-Smith', { parentFirstName: 'Jane', parentLastName: 'Doe-Smith' }],
    ['Ms. Priya Shah', { parentFirstName: 'Priya', parentLastName: 'Shah' }],
    ['Miss Kelly Brown 💕', { parentFirstName: 'Kelly', parentLastName: 'Brown' }],
    ['⚽ Gary Neville ⚽', { parentFirstName: 'Gary', parentLastName: 'Neville' }],
    ['Dr. Amir Hussain', { parentFirstName: 'Amir', parentLastName: 'Hussain' }],
    ['hiya, Mr Steve Jones', { parentFirstName: 'Steve', parentLastName: 'Jones' }],
    ['its Claire Wood 😀', { parentFirstName: 'Claire', parentLastName: 'Wood' }],
    ['👋 hi im Becky Hall', { parentFirstName: 'Becky', parentLastName: 'Hall' }],
    ['MR JOHN SMITH', { parentFirstName: 'John', parentLastName: 'Smith' }],
    ['name: Leanne Price 🙂', { parentFirstName: 'Leanne', parentLastName: 'Price' }],
    ['xxx', null],
    ['n/a', null],
    ['test', null],
    ['first name last name', null],
    ['my partner will do this bit', null],
    ['ask my wife', null],
    ['hold on', null],
    ['stop', null],
    ['help', null],
    ['what do you need my name for?', null],
  ],
  childName: [
    ['my son is called Alfie Turner', { childFirstName: 'Alfie', childLastName: 'Turner' }],
    ['my daughter is Ruby Khan', { childFirstName: 'Ruby', childLastName: 'Khan' }],
    ["my daughter's name is Ella Moss", { childFirstName: 'Ella', childLastName: 'Moss' }],
    ['Mia (same surname)', { childFirstName: 'Mia', childLastName: 'Jones' }],
    ['Mia, same surname as me', { childFirstName: 'Mia', childLastName: 'Jones' }],
    ['Theo Grant 🦁', { childFirstName: 'Theo', childLastName: 'Grant' }],
    ["he's called Noah Price", { childFirstName: 'Noah', childLastName: 'Price' }],
    ['Master Oscar Reid', { childFirstName: 'Oscar', childLastName: 'Reid' }],
    ['✨Lily Evans✨', { childFirstName: 'Lily', childLastName: 'Evans' }],
    ['our lad is Jake Hill', { childFirstName: 'Jake', childLastName: 'Hill' }],
    ['my son', null],
    ['name', null],
    ['asdf', null],
    ['ask his dad', null],
    ['dunno what you mean', null],
    ['cancel', null],
    ['later', null],
    ['is there a discount for siblings?', null],
    ['can I register twins?', null],
    ['start again', null],
  ],
  playedLastSeason: [
    ['she played for you in the U9s', { playedLastSeason: true }],
    ['yes she was in the under 9s', { playedLastSeason: true }],
    ['she was with Urmston last season', { playedLastSeason: true }],
    ['been with you 2 years', { playedLastSeason: true }],
    ['course she did', { playedLastSeason: true }],
    ['yeah she was', { playedLastSeason: true }],
    ['she was on your team', { playedLastSeason: true }],
    ["no she's brand new", { playedLastSeason: false }],
    ['this is her first season', { playedLastSeason: false }],
    ['she was at a different club', { playedLastSeason: false }],
    ['she played for Davyhulme last season', { playedLastSeason: false }],
    ["she hasn't played before", { playedLastSeason: false }],
    ['just starting out', { playedLastSeason: false }],
    ['new player', { playedLastSeason: false }],
    ['nah first time', { playedLastSeason: false }],
    ['not sure', null],
    ['maybe', null],
    ['ask my husband', null],
    ['why does it matter?', null],
    ['help', null],
  ],
  communicationConsent: [
    ['go on', { communicationConsent: true }],
    ['yeah go on then', { communicationConsent: true }],
    ["that's fine", { communicationConsent: true }],
    ['fine by me', { communicationConsent: true }],
    ['sounds good', { communicationConsent: true }],
    ['defo', { communicationConsent: true }],
    ['happy to', { communicationConsent: true }],
    ['why not', { communicationConsent: true }],
    ['yes please 😊', { communicationConsent: true }],
    ['ok 👍', { communicationConsent: true }],
    ["I'd rather not", { communicationConsent: false }],
    ['not for me thanks', { communicationConsent: false }],
    ['no need', { communicationConsent: false }],
    ['nah ta', { communicationConsent: false }],
    ['not interested', { communicationConsent: false }],
    ['👎', { communicationConsent: false }],
    ['maybe', null],
    ['what will you send me?', null],
    ['ask my partner', null],
    ['pause', null],
  ],
  parentPostcode: [
    ['M32-8JL', { parentPostcode: 'M32 8JL' }],
    ['m32-8jl', { parentPostcode: 'M32 8JL' }],
    ['M3 28JL', { parentPostcode: 'M32 8JL' }],
    ['M 32 8JL', { parentPostcode: 'M32 8JL' }],
    ['M328 JL', { parentPostcode: 'M32 8JL' }],
    ['M32 8 JL', { parentPostcode: 'M32 8JL' }],
    ['WA15-9RT', { parentPostcode: 'WA15 9RT' }],
    ['wa1 59rt', { parentPostcode: 'WA15 9RT' }],
    ['M41 OLT', { parentPostcode: 'M41 0LT' }],
    ['SK4-1AB please', { parentPostcode: 'SK4 1AB' }],
    ['its M33 7XX', { parentPostcode: 'M33 7XX' }],
    ['postcode', null],
    ['not sure of it', null],
    ['M32', null],
    ['12 Sandy Lane', null],
    ['Stretford', null],
    ['ask my husband', null],
    ['why do you need my address?', null],
    ['stop', null],
    ['xxx', null],
  ],
  paymentDay: [
    ['the 3rd', { paymentDay: 3 }],
    ['3rd please', { paymentDay: 3 }],
    ['28th', { paymentDay: 28 }],
    ['the last day', { paymentDay: -1 }],
    ['end of month please', { paymentDay: -1 }],
    ['twenty eighth', { paymentDay: 28 }],
    ['1st of the month', { paymentDay: 1 }],
    ['on the 15th if poss', { paymentDay: 15 }],
    ['last friday of the month', null],
    ['first monday', null],
    ['every friday', null],
    ['the 31st', null],
    ['29th', null],
    ['whenever', null],
    ['when I get paid', null],
    ['ask my husband', null],
    ['help', null],
    ['how much is it?', null],
    ['later', null],
    ['why do you need this?', null],
  ],
  medicalIssues: [
    ['no none', { hasMedicalIssues: false, medicalIssues: null }],
    ['nope all good', { hasMedicalIssues: false, medicalIssues: null }],
    ['she has eczema', { hasMedicalIssues: true, medicalIssues: 'Eczema' }],
    ['yes a couple', null],
    ['yes some', null],
    ['a few things', null],
    ["I'll tell the coach", null],
    ["I'll speak to the manager", null],
    ['ask my husband', null],
    ['who sees this?', null],
    ['why do you need this?', null],
    ['stop', null],
    ['later', null],
    ['help', null],
    ['yes', null],
    ['yeah', null],
    ['start again', null],
    ['hang on', null],
    ['not sure', null],
    ['dunno', null],
  ],
};

describe('understanding without a model', () => {
  const rows = Object.entries(CASES).flatMap(([routine, cases]) =>
    cases.map(([says, answer]) => [routine as QuestionRoutineId, says, answer] as const),
  );
  it.each(rows)('at %s reads %j', (routine, says, answer) => {
    const event = read(routine, says);
    if (answer === null) {
      expect(event.type).not.toBe('user.answered');
      if (event.type === 'user.corrected') expect(event.answer).toBeNull();
    } else {
      expect(event).toMatchObject({ type: 'user.answered', answer });
    }
  });

  it.each(Object.entries(CASES))('has at least 20 cases at %s, refusals included', (_id, cases) => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    expect(cases.some(([, answer]) => answer === null)).toBe(true);
  });

  it('explains an unsupported payment day with the choices', () => {
    const event = read('paymentDay', 'last friday of the month');
    expect(event).toMatchObject({ type: 'user.unclear' });
    expect(event.type === 'user.unclear' && event.reason).toMatch(
      /can't take it on a friday.*last day of the month, or a date from 1 to 28/,
    );
  });

  it('asks which problems a bare "yes a few" means', () => {
    expect(read('medicalIssues', 'yes a few')).toMatchObject({ type: 'user.unclear' });
  });
});

describe('registration codes typed loosely', () => {
  it.each([
    ['200 lions u10 2526', 'Lions', 'U10'],
    ['200 Lions U10 2526', 'Lions', 'U10'],
    ['200lionsu102526', 'Lions', 'U10'],
    ['200.Lions.U10.2526', 'Lions', 'U10'],
    ['200-Lions U10 2526 thanks', 'Lions', 'U10'],
    ['my code is 200 tigers u13 2526 ta', 'Tigers', 'U13'],
    ['200 - Lions - U10 - 2526', 'Lions', 'U10'],
    ['200_lions_u10_2526', 'Lions', 'U10'],
  ])('reads %j', (text, team, ageGroup) => {
    const reading = readRegistrationCode(text, defaultClub);
    expect(reading).toMatchObject({ found: true, ok: true, code: { kind: 'new', ageGroup } });
    expect(reading.found && reading.ok && reading.code.team.toLowerCase()).toBe(team.toLowerCase());
  });

  it.each(['07700 900123', '03/02/2016', 'M32 8JL', '12 Sandy Lane', '200 quid'])(
    'finds no code in %j',
    (text) => {
      expect(readRegistrationCode(text, defaultClub).found).toBe(false);
    },
  );
});
