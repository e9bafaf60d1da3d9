import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { interpretOffline, type UserEvent } from '../../machines/interpreter.ts';
import { defaultClub } from '../../routines/club.ts';
import type { RoutineView } from '../../routines/define-routine.ts';
import { routines, type QuestionRoutineId } from '../../routines/index.ts';

/**
 * The held-out corpus: replies written as real parents type them, before the parsers were tuned,
 * and never changed to fit them. An answer must be read exactly; a refusal (null) must never be stored.
 */
const Corpus = z.array(
  z.object({ says: z.string(), answer: z.record(z.string(), z.unknown()).nullable() }),
);

const dir = new URL('../fixtures/corpus/', import.meta.url);
const corpora = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => {
    const id = file.replace(/\.json$/, '') as QuestionRoutineId;
    return { id, entries: Corpus.parse(JSON.parse(readFileSync(new URL(file, dir), 'utf8'))) };
  });

const view: RoutineView = {
  draft: { parentFirstName: 'Sarah', parentLastName: 'Jones', childFirstName: 'Leo' },
  club: defaultClub,
  team: { name: 'Lions', ageGroup: 'U10', needsNewKit: true },
  today: '2025-08-01',
};

const stored = (event: UserEvent) =>
  event.type === 'user.answered'
    ? event.answer
    : event.type === 'user.corrected'
      ? event.answer
      : null;

/** Whether the offline interpreter read a reply as the corpus says. */
function readRight(id: QuestionRoutineId, says: string, answer: Record<string, unknown> | null) {
  const event = interpretOffline(
    { text: says, recent: async () => [], agent: 'new_registration', routine: id, view },
    defaultClub,
  );
  const got = stored(event);
  if (answer === null) return { right: got === null, refusalAccepted: got !== null, got, event };
  const picked =
    got && Object.fromEntries(Object.keys(answer).map((key) => [key, got[key as never]]));
  return { right: isDeepStrictEqual(picked, answer), refusalAccepted: false, got, event };
}

/** The share read right per routine: the figure this issue reports. */
const ACCURACY_FLOOR = 0.97;

describe('the held-out corpus of real replies', () => {
  it('has at least 20 replies per routine, refusals included', () => {
    for (const { id, entries } of corpora) {
      expect(routines[id].kind, id).toBe('question');
      expect(entries.length, id).toBeGreaterThanOrEqual(20);
      expect(
        entries.some((entry) => entry.answer === null),
        id,
      ).toBe(true);
    }
  });

  it.each(corpora)('reads $id right often enough and accepts no refusal', ({ id, entries }) => {
    const results = entries.map((entry) => ({
      says: entry.says,
      ...readRight(id, entry.says, entry.answer),
    }));
    const misses = results.filter((result) => !result.right);
    const accuracy = (entries.length - misses.length) / entries.length;
    if (process.env.CORPUS_REPORT) {
      process.stdout.write(
        `${id}: ${(accuracy * 100).toFixed(1)}% ${JSON.stringify(misses.map((miss) => [miss.says, miss.event.type, miss.got]))}\n`,
      );
    }
    expect(results.filter((result) => result.refusalAccepted).map((r) => r.says)).toEqual([]);
    expect(accuracy).toBeGreaterThanOrEqual(ACCURACY_FLOOR);
  });
});
