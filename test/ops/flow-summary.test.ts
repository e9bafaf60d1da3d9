import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { restingPath, sessionFlowChart, type FlowNode } from '../../machines/flow-chart.ts';
import { sessionMachine } from '../../machines/session.machine.ts';
import { duration, summariseFlow } from '../../server/flow-page.ts';
import { advance, type Journey } from '../../tools/flow-stats/port.ts';

// Plain JavaScript for Stately's editor (no types): loaded as any module.
const STATELY_FILE: string = '../../docs/flow.stately.js';
const { machine: statelyMachine } = (await import(STATELY_FILE)) as { machine: AnyStateMachine };

const now = new Date('2026-11-30T12:00:00Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3600_000);

/** A journey through `states`, one every `minutes`, ending `hoursAgo` before now. */
function journey(states: string[], minutes: number, endedHoursAgo: number, finished = false) {
  const end = hoursAgo(endedHoursAgo).getTime();
  let found: Journey | null = null;
  states.forEach((state, index) => {
    const at = new Date(end - (states.length - 1 - index) * minutes * 60_000);
    found = advance(found, { state, finished: finished && index === states.length - 1, at });
  });
  if (!found) throw new Error('no states');
  return found;
}

describe('the flow summary', () => {
  const journeys = [
    journey(['generic', 'newRegistration.parentName', 'newRegistration.childName'], 1, 1),
    journey(['generic', 'newRegistration.parentName', 'newRegistration.childName'], 3, 48),
    journey(['generic', 'newRegistration.parentName'], 5, 72),
    journey(['generic', 'newRegistration.parentName', 'newRegistration.registered'], 2, 5, true),
  ];
  const summary = summariseFlow(journeys, now, 30);

  it.each([
    ['newRegistration.childName', { now: 1, gaveUp: 1, reached: 2 }],
    ['newRegistration.parentName', { now: 0, gaveUp: 1, reached: 4 }],
    ['newRegistration.registered', { now: 0, gaveUp: 0, reached: 1 }],
  ])('counts who rests at %s now, who gave up there and who reached it', (state, counts) => {
    expect(summary.states[state]).toMatchObject(counts);
  });

  it('takes the median time spent in a state by those who moved on', () => {
    // parentName left after 1, 3 and 2 minutes.
    expect(summary.states['newRegistration.parentName']?.medianMs).toBe(120_000);
    expect(duration(120_000)).toBe('2 min 0 s');
    expect(summary).toMatchObject({ sessions: 4, finished: 1 });
  });
});

describe('the statechart read from the machine', () => {
  const paths = (node: FlowNode): string[] => [node.path, ...node.children.flatMap(paths)];

  it('has every state of the session machine, with routine numbers on the questions', () => {
    const chart = sessionFlowChart();
    const ids = sessionMachine.root.states;
    expect(paths(chart)).toEqual(expect.arrayContaining(Object.keys(ids)));
    const childName = chart.children
      .flatMap((node) => node.children)
      .find((node) => node.path === 'newRegistration.childName');
    expect(childName).toMatchObject({ kind: 'question', number: 2 });
  });

  it.each([
    [{ value: 'generic' }, 'generic'],
    [{ value: { newRegistration: 'kitSize' } }, 'newRegistration.kitSize'],
  ])('names the state a snapshot rests in (%o)', (snapshot, path) => {
    expect(restingPath(snapshot as Parameters<typeof restingPath>[0])).toBe(path);
  });

  it('is committed for Stately’s editor, up to date with the machine', () => {
    const ids = (node: { id: string; states: Record<string, unknown> }): string[] => [
      node.id,
      ...Object.values(node.states).flatMap((child) => ids(child as typeof node)),
    ];
    expect(ids(statelyMachine.root)).toEqual(ids(sessionMachine.root));
  });
});
