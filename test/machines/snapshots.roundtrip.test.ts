import { createActor } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { describe, expect, it } from 'vitest';
import { sessionMachine } from '../../machines/session.machine.ts';
import type { SessionEvent } from '../../machines/setup.ts';
import { eventsFor, serializeForGraph } from './events.ts';

const input = {
  sessionId: 'roundtrip-session',
  settings: { ownContactAgeGroup: 16, ageGroupCutoff: '2025-08-31' },
};

type Actor = ReturnType<typeof createActor<typeof sessionMachine>>;

const play = (events: readonly SessionEvent[]) => {
  const actor = createActor(sessionMachine, { input }).start();
  for (const event of events) actor.send(event);
  return actor;
};

const observable = (actor: Actor) => {
  const snapshot = actor.getSnapshot();
  return {
    value: snapshot.value,
    context: snapshot.context,
    tags: [...snapshot.tags].sort(),
    status: snapshot.status,
  };
};

const resting = getShortestPaths(sessionMachine, {
  input,
  events: eventsFor,
  serializeState: serializeForGraph,
})
  .map((path) => path.steps.map((step) => step.event as SessionEvent))
  .filter((events) => {
    const snapshot = play(events).getSnapshot();
    return snapshot.hasTag('awaitingUser') || snapshot.hasTag('finished');
  });

describe('persisted snapshots', () => {
  it('cover many resting states', () => {
    expect(resting.length).toBeGreaterThan(100);
  });

  it('survive JSON.stringify/JSON.parse in every resting state and continue identically', () => {
    const differences: string[] = [];
    for (const events of resting) {
      const original = play(events);
      const stored = JSON.parse(JSON.stringify(original.getPersistedSnapshot())) as ReturnType<
        Actor['getPersistedSnapshot']
      >;
      const live = original.getPersistedSnapshot();
      for (const next of eventsFor(original.getSnapshot())) {
        // The same state continued from the live snapshot, and from its JSON round trip.
        const fresh = createActor(sessionMachine, { snapshot: live, input }).start();
        const restored = createActor(sessionMachine, { snapshot: stored, input }).start();
        if (restored.getSnapshot().status !== 'active')
          differences.push(`restore failed after ${events.length} events`);
        fresh.send(next);
        restored.send(next);
        if (JSON.stringify(observable(fresh)) !== JSON.stringify(observable(restored))) {
          differences.push(`${JSON.stringify(original.getSnapshot().value)} + ${next.type}`);
        }
        fresh.stop();
        restored.stop();
      }
      original.stop();
    }
    expect(differences).toEqual([]);
  }, 120_000);
});
