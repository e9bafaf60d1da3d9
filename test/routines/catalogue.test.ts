import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { sessionMachine } from '../../machines/session.machine.ts';
import type { StateMeta } from '../../machines/setup.ts';
import { defaultClub } from '../../routines/club.ts';
import type { QuestionRoutine, RoutineView } from '../../routines/define-routine.ts';
import { routines } from '../../routines/index.ts';
import { readAnswer } from '../../routines/validate.ts';
import type { AnyStateNode } from 'xstate';

/** Three flats of one house, as the lists of routines 13 and 19 show them. */
const flats = [1, 2, 3].map((flat) => ({
  houseNumber: `Flat ${flat}, 12`,
  line1: `Flat ${flat}, 12 Sandy Lane`,
  town: 'Stretford',
  city: 'Manchester',
  postcode: 'M32 8JL',
}));

const view: RoutineView = {
  draft: {
    parentMobile: '07700900999',
    parentEmail: 'parent@example.com',
    parentAddressChoices: flats,
    childAddressChoices: flats,
  },
  club: defaultClub,
  team: { name: 'Lions', ageGroup: 'U10', needsNewKit: true },
  today: '2025-08-01',
};

const questions = Object.entries(routines).filter(
  (entry): entry is [string, QuestionRoutine] => entry[1].kind === 'question',
);

const examples = questions.flatMap(([id, routine]) =>
  routine.examples.map((example) => [id, example.says, example.answer] as const),
);

function statesWithMeta(node: AnyStateNode = sessionMachine.root): [string, StateMeta][] {
  const own: [string, StateMeta][] = node.meta ? [[node.key, node.meta as StateMeta]] : [];
  return [...own, ...Object.values(node.states).flatMap((child) => statesWithMeta(child))];
}

/** Routines whose state kept an older name, so that stored sessions resting there still restore. */
const STATE_NAMES: Record<string, string> = { registerAsNew: 'returningPlayer' };

describe('routine catalogue', () => {
  it('numbers the routines of SPEC §2.3 and no others', () => {
    const numbers = new Set(Object.values(routines).map((routine) => routine.number));
    const spec = [
      ...Array.from({ length: 16 }, (_, i) => i + 1),
      18,
      19,
      20,
      21,
      22,
      23,
      24,
      28,
      29,
      30,
      32,
      33,
      34,
      35,
      // Returning players (SPEC §2.5): the check, the three sections, the new-player offer.
      101,
      102,
      103,
      104,
      105,
    ];
    expect([...numbers].sort((a, b) => a - b)).toEqual(spec);
  });

  it.each(examples)('%s reads %j as %j', (id, says, answer) => {
    const routine = routines[id as keyof typeof routines] as QuestionRoutine;
    const read = readAnswer(routine, says, view);
    expect(read.ok ? read.value : null).toEqual(answer);
  });

  it.each(questions)('%s has a clear and an unclear example', (_id, routine) => {
    expect(routine.examples.some((example) => example.answer !== null)).toBe(
      routine.number !== 34 && routine.number !== 35,
    );
    expect(routine.examples.some((example) => example.answer === null)).toBe(true);
  });

  it.each(questions)('%s converts its model-facing schema to JSON Schema', (_id, routine) => {
    const schema = z.toJSONSchema(routine.extracts);
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required ?? []).toEqual(Object.keys(routine.extracts.shape));
  });

  it.each(questions)('%s asks something even before anything is known', (_id, routine) => {
    expect(routine.ask({ ...view, draft: {}, team: null }).trim().length).toBeGreaterThan(10);
  });

  it.each(questions)('%s offers tools with unique names', (_id, routine) => {
    const names = routine.tools.map((tool) => tool.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(Object.entries(routines))(
    '%s sits in exactly one machine state, named after it',
    (id, routine) => {
      const states = statesWithMeta().filter(([, meta]) => meta.routine === id);
      expect(states.map(([key]) => key)).toEqual([STATE_NAMES[id] ?? id]);
      expect(states[0]?.[1].number).toBe(routine.number);
    },
  );

  it('pins the JSON Schema the model sees for a routine', () => {
    expect(z.toJSONSchema(routines.parentPostcode.extracts)).toMatchInlineSnapshot(`
      {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "additionalProperties": false,
        "properties": {
          "parentPostcode": {
            "description": "UK postcode, upper case with one space, e.g. "M32 8JL"",
            "pattern": "^(GIR 0AA|[A-Z]{1,2}\\d[A-Z\\d]? \\d[A-Z]{2})$",
            "type": "string",
          },
        },
        "required": [
          "parentPostcode",
        ],
        "type": "object",
      }
    `);
    expect(z.toJSONSchema(routines.medicalIssues.extracts)).toMatchInlineSnapshot(`
      {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "additionalProperties": false,
        "properties": {
          "hasMedicalIssues": {
            "type": "boolean",
          },
          "medicalIssues": {
            "anyOf": [
              {
                "maxLength": 500,
                "type": "string",
              },
              {
                "type": "null",
              },
            ],
            "description": "Clean comma-separated list, e.g. "Asthma, Hay fever"; null if none",
          },
        },
        "required": [
          "hasMedicalIssues",
          "medicalIssues",
        ],
        "type": "object",
      }
    `);
  });
});
