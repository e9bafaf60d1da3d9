import { describe, expect, it } from 'vitest';
import type { TurnResult } from '../../machines/chat-service.ts';
import { interpretOffline } from '../../machines/interpreter.ts';
import { defaultClub } from '../../routines/club.ts';
import type { QuestionRoutine, RoutineView } from '../../routines/define-routine.ts';
import { routines, type QuestionRoutineId } from '../../routines/index.ts';
import { createHarness, type Harness } from '../support/harness.ts';
import { journey } from './journeys.ts';

/** The routine a turn left the parent on, from its state name ("newRegistration.childName"). */
const routineOf = (turn: TurnResult) => turn.state.split('.').at(-1) as QuestionRoutineId;

/** A journey for an own-contact (U16) player: the player's mobile and e-mail are asked too. */
const PANTHERS = journey().map(([text]) => text);
PANTHERS.splice(0, 1, '200-Panthers-U16-2526');
PANTHERS.splice(3, 1, '3rd feb 2010');
PANTHERS.splice(16, 0, '07700 900 456', 'sam@example.com');

const LIONS = journey().map(([text]) => text);

async function walk(
  harness: Harness,
  script: readonly string[],
  atEach: (routine: QuestionRoutineId, before: TurnResult) => Promise<void>,
) {
  let turn = await harness.say(script[0] ?? '');
  const seen: QuestionRoutineId[] = [];
  for (const text of script.slice(1)) {
    const routine = routineOf(turn);
    seen.push(routine);
    await atEach(routine, turn);
    turn = await harness.say(text);
  }
  return seen;
}

describe('side questions at every routine', () => {
  it.each([
    ['a new player', LIONS],
    ['an own-contact player', PANTHERS],
  ])(
    'answers a club question and "why?" with the routine\'s own reason, then asks again (%s)',
    async (_who, script) => {
      const harness = await createHarness();
      const seen = await walk(harness, script, async (routine, before) => {
        const club = await harness.say('is there a discount for siblings?');
        expect(club.reply, routine).toMatch(/10% off/);
        expect(club.state, routine).toBe(before.state);
        expect(club.reply, routine).toContain(before.reply.split('\n').at(-1));
        const why = await harness.say('why do you need this?');
        expect(why.reply, routine).toContain((routines[routine] as QuestionRoutine).why);
        expect(why.state, routine).toBe(before.state);
      });
      expect(seen.length).toBeGreaterThanOrEqual(script === LIONS ? 20 : 22);
      const [record] = await harness.ports.registrations.list();
      expect(JSON.stringify(record?.fields)).not.toMatch(/discount|sibling|why|need this/i);
    },
  );

  it('gives a different reason at each routine', () => {
    const reasons = Object.values(routines).flatMap((routine) =>
      routine.kind === 'question' ? [routine.why] : [],
    );
    expect(reasons.every((why) => why.length > 20)).toBe(true);
    expect(new Set(reasons).size).toBeGreaterThan(25);
  });

  it('says "I don\'t know" with the club\'s contact only when the configuration has no answer', async () => {
    const harness = await createHarness();
    await harness.say('200-Lions-U10-2526');
    const known = await harness.say('how do I sign up?');
    expect(known.reply).toMatch(/registration code/);
    expect(known.reply).not.toMatch(/don't know/);
    const unknown = await harness.say('is the car park free on saturdays?');
    expect(unknown.reply).toMatch(/don't know.*admin@urmstontownjfc\.co\.uk/);
    expect(unknown.routineNumber).toBe(1);
  });
});

const view: RoutineView = {
  draft: { parentFirstName: 'Sarah', parentLastName: 'Jones', childFirstName: 'Leo' },
  club: defaultClub,
  team: { name: 'Lions', ageGroup: 'U10', needsNewKit: true },
  today: '2025-08-01',
};

/** Questions and commands parents send mid-flow: none is ever an answer. */
const NOT_ANSWERS = [
  'is there a discount for siblings?',
  'how do I sign up?',
  'how much is it?',
  'why do you need this?',
  'why do you need her date of birth?',
  "what's that for?",
  'who sees this?',
  'when is training?',
  'what sizes are there?',
  'can I pay monthly?',
  'do I have to answer this?',
  'is this safe?',
  'help',
  'stop',
  'cancel',
  'forget it',
  "I'll do it later",
  'later',
  'pause',
  'start again',
  'ask my husband',
  'not sure',
  'hang on',
];

describe('a question or a command is never stored as an answer', () => {
  const questionRoutines = Object.entries(routines).flatMap(([id, routine]) =>
    routine.kind === 'question' ? [id as QuestionRoutineId] : [],
  );
  it.each(questionRoutines)('at %s', (routine) => {
    const stored = NOT_ANSWERS.filter((text) => {
      const event = interpretOffline(
        { text, recent: async () => [], agent: 'new_registration', routine, view },
        defaultClub,
      );
      return (
        event.type === 'user.answered' || (event.type === 'user.corrected' && event.answer !== null)
      );
    });
    expect(stored).toEqual([]);
  });
});
