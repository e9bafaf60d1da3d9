import { describe, expect, it } from 'vitest';
import { renderNotice } from '../../machines/messages.ts';
import type { Notice } from '../../machines/notices.ts';
import { defaultClub } from '../../routines/club.ts';
import type { QuestionRoutine, RoutineView } from '../../routines/define-routine.ts';
import type { Draft } from '../../routines/draft.ts';
import { routines } from '../../routines/index.ts';

/** What a template leaves when a value it names is missing. */
const EMPTY_SLOTS: [string, RegExp][] = [
  ['an empty bracket', /\(\s*[,)]/],
  ['a word left undefined', /undefined|\bnull\b|NaN|\[object/],
  ['a double space', /[^\n] {2,}\S/],
  ['a space before punctuation', /\s[,;:!?)]|\s\.(?!\.)/],
  ['an empty line', /\n\s*\n\s*\n/],
  ['a dangling possessive', /(^|\s)'s\b/],
  ['leading or trailing space', /^\s|\s$/],
];

function expectNoEmptySlot(text: string) {
  expect(text.length).toBeGreaterThan(0);
  for (const [name, slot] of EMPTY_SLOTS) {
    expect({ text, slot: slot.test(text) ? name : null }).toEqual({ text, slot: null });
  }
}

/** One value for each field a template may name; each view below has one or none of them. */
const SAMPLE: Partial<Draft> = {
  parentFirstName: 'Sarah',
  parentLastName: "O'Brien",
  childFirstName: 'Leo',
  childLastName: "O'Brien",
  childDateOfBirth: '2016-02-03',
  parentMobile: '07700900123',
  parentEmail: 'sarah@example.com',
  playerMobile: '07700900456',
  playerEmail: 'leo@example.com',
};

const base = { club: defaultClub, today: '2025-08-01' };
const views: [string, RoutineView][] = [
  ['nothing known', { ...base, draft: {}, team: null }],
  [
    'nothing known, a sibling registered',
    { ...base, draft: {}, team: null, siblingRegistered: true },
  ],
  [
    'only the team',
    { ...base, draft: {}, team: { name: 'Lions', ageGroup: 'U10', needsNewKit: true } },
  ],
  ...Object.entries(SAMPLE).map(([field, value]): [string, RoutineView] => [
    `only ${field}`,
    { ...base, draft: { [field]: value }, team: null },
  ]),
];

const questions = Object.entries(routines).filter(
  (entry): entry is [string, QuestionRoutine] => entry[1].kind === 'question',
);
const prompts = questions.flatMap(([id, routine]) =>
  views.map(([name, view]) => [id, name, view, routine] as const),
);

/** Every notice, with each optional value missing (tsc keeps this list complete). */
const NOTICES: { [Kind in Notice['kind']]: Extract<Notice, { kind: Kind }>[] } = {
  welcome: [{ kind: 'welcome', team: 'Lions', ageGroup: 'U10', sibling: false }],
  unclear: [
    { kind: 'unclear', reason: '', inARow: 1 },
    { kind: 'unclear', reason: '', inARow: 3 },
    { kind: 'unclear', reason: 'Please send a UK mobile number.', inARow: 3 },
  ],
  answer: [
    { kind: 'answer', text: null },
    { kind: 'answer', text: '' },
  ],
  genericHelp: [{ kind: 'genericHelp' }],
  badCode: (
    ['unknownPrefix', 'badAgeGroup', 'wrongSeason', 'nameMissing', 'nameNotAllowed'] as const
  ).map((problem) => ({ kind: 'badCode', problem })),
  unknownTeam: [{ kind: 'unknownTeam', team: 'Lion', ageGroup: 'U10' }],
  codeCheckFailed: [{ kind: 'codeCheckFailed' }],
  finishFirst: [{ kind: 'finishFirst' }],
  returningNotYet: [{ kind: 'returningNotYet' }],
  welcomeBack: [{ kind: 'welcomeBack', team: 'Lions', ageGroup: 'U10' }],
  returningNotFound: [{ kind: 'returningNotFound' }],
  identityMismatch: [{ kind: 'identityMismatch' }],
  identityRefused: [{ kind: 'identityRefused' }],
  help: [
    { kind: 'help', inRegistration: true },
    { kind: 'help', inRegistration: false },
  ],
  nothingInProgress: [{ kind: 'nothingInProgress' }],
  stopped: [
    { kind: 'stopped', child: null },
    { kind: 'stopped', child: 'Leo' },
  ],
  startedAgain: [{ kind: 'startedAgain' }],
  savedAlready: [
    { kind: 'savedAlready', command: 'stop', child: null },
    { kind: 'savedAlready', command: 'restart', child: 'Leo' },
  ],
  paused: [
    { kind: 'paused', code: null, secret: null },
    { kind: 'paused', code: '200-Lions-U10-2526', secret: 'mobile' },
    { kind: 'paused', code: '200-Lions-U10-2526', secret: 'dateOfBirth' },
  ],
  carryingOn: [{ kind: 'carryingOn' }],
  addressNotFound: [{ kind: 'addressNotFound' }],
  shirtTaken: [{ kind: 'shirtTaken', number: 7 }],
  linkMissing: [{ kind: 'linkMissing' }],
  tryAgain: [{ kind: 'tryAgain' }],
  updated: [{ kind: 'updated' }],
  correctAtSummary: [{ kind: 'correctAtSummary' }],
  whatToChange: [{ kind: 'whatToChange' }],
  photoNotYet: [{ kind: 'photoNotYet' }],
  alreadyDone: [{ kind: 'alreadyDone' }],
  restarted: [{ kind: 'restarted' }],
  alreadyRegistered: [{ kind: 'alreadyRegistered', child: null }],
  stoppedHere: [{ kind: 'stoppedHere' }],
  takenOver: [{ kind: 'takenOver', child: null }],
  retryLater: [
    { kind: 'retryLater', effect: 'savePhoto' },
    { kind: 'retryLater', effect: 'createPayment' },
  ],
  handedOff: [
    { kind: 'handedOff', child: null },
    { kind: 'handedOff', child: 'Leo' },
  ],
  notChangedAfterSave: [
    { kind: 'notChangedAfterSave', routine: 'childName' },
    { kind: 'notChangedAfterSave', routine: 'parentEmail' },
  ],
};

describe('reply templates with values missing', () => {
  it.each(prompts)('asks %s with %s and leaves no empty slot', (_id, _view, view, routine) => {
    expectNoEmptySlot(routine.ask(view));
  });

  it.each(
    Object.values(NOTICES)
      .flat()
      .map((notice) => [notice.kind, notice] as const),
  )('renders the %s notice without an empty slot (%o)', (_kind, notice) => {
    expectNoEmptySlot(renderNotice(notice, defaultClub));
  });

  it('offers a sibling the same details without naming a parent it does not know', () => {
    const ask = routines.reuseParentDetails.ask;
    expect(ask({ ...base, draft: {}, team: null })).toMatch(/same details.*\(your name, mobile/);
    expect(
      ask({
        ...base,
        draft: { parentFirstName: 'Sarah', parentLastName: "O'Brien" },
        team: null,
      }),
    ).toMatch(/\(Sarah O'Brien, your mobile, e-mail and address\)/);
    // As the flow asks it: the new child's draft is empty, the last registration's parent is kept.
    expect(
      ask({
        ...base,
        draft: {},
        team: null,
        previousParent: { parentFirstName: 'Sarah', parentLastName: "O'Brien" },
      }),
    ).toMatch(/\(Sarah O'Brien, your mobile, e-mail and address\)/);
  });
});
