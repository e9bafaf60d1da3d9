import { createActor, type AnyStateNode, type AnyTransitionDefinition } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { describe, expect, it } from 'vitest';
import { sessionMachine } from '../../machines/session.machine.ts';
import type { SessionEvent } from '../../machines/setup.ts';
import { eventsFor, serializeForGraph } from './events.ts';

const input = {
  sessionId: 'graph-session',
  settings: { ownContactAgeGroup: 16, ageGroupCutoff: '2025-08-31' },
};

const paths = getShortestPaths(sessionMachine, {
  input,
  events: eventsFor,
  serializeState: serializeForGraph,
});

function allStateNodes(node: AnyStateNode = sessionMachine.root): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((child) => allStateNodes(child))];
}

function allTransitions(): AnyTransitionDefinition[] {
  return allStateNodes().flatMap((node) => [
    ...[...node.transitions.values()].flat(),
    ...(node.always ?? []),
  ]);
}

const describeTransition = (transition: AnyTransitionDefinition) =>
  `${transition.source.id} --${transition.eventType}${transition.guard ? ` [${JSON.stringify(transition.guard)}]` : ''}--> ${
    transition.target?.map((target) => target.id).join(',') ?? '(stays)'
  }`;

type Snapshot = ReturnType<ReturnType<typeof createActor<typeof sessionMachine>>['getSnapshot']>;

/** Replays events on a real actor (from a snapshot, or new) and records every transition definition taken. */
function replay(events: readonly SessionEvent[], from?: Snapshot) {
  const taken = new Set<AnyTransitionDefinition>();
  const actor = createActor(sessionMachine, {
    input,
    ...(from ? { snapshot: from } : {}),
    inspect: (inspection) => {
      if (inspection.type === '@xstate.microstep') {
        for (const transition of inspection._transitions) taken.add(transition);
      }
    },
  }).start();
  const visited = [actor.getSnapshot()];
  for (const event of events) {
    actor.send(event);
    visited.push(actor.getSnapshot());
  }
  actor.stop();
  return { taken, visited };
}

const replays = paths.map((path) => replay(path.steps.map((step) => step.event as SessionEvent)));

/** Every edge of the graph: each reachable state, followed by each event it offers. */
const edges = replays.flatMap(({ visited }) => {
  const end = visited.at(-1) as Snapshot;
  return eventsFor(end).map((event) => {
    const { taken, visited: after } = replay([event], end);
    return { from: end, to: after.at(-1) as Snapshot, taken };
  });
});

describe('session machine paths (xstate/graph)', () => {
  it('generates a path to every distinct state', () => {
    expect(paths.length).toBeGreaterThan(100);
  });

  it('reaches every state of the machine', () => {
    const reached = new Set(
      replays.flatMap(({ visited }) =>
        visited.flatMap((snapshot) => snapshot._nodes.map((node) => node.id)),
      ),
    );
    const transient = allStateNodes()
      .filter((node) => node.always && node.type === 'atomic')
      .map((node) => node.id);
    const unreached = allStateNodes()
      .map((node) => node.id)
      .filter((id) => !reached.has(id) && !transient.includes(id));
    expect(unreached).toEqual([]);
  });

  it('takes every transition and every guarded branch', () => {
    const taken = new Set([...replays, ...edges].flatMap(({ taken: each }) => [...each]));
    const untaken = allTransitions()
      .filter((transition) => !taken.has(transition))
      .map(describeTransition);
    expect(untaken).toEqual([]);
  });

  it('stops every step of every path in exactly one of awaitingUser, effect or finished', () => {
    const untagged = [...replays, ...edges.map(({ to }) => ({ visited: [to] }))].flatMap(
      ({ visited }) =>
        visited
          .filter((snapshot) => snapshot.status !== 'active' || snapshot.tags.size !== 1)
          .map((snapshot) => JSON.stringify(snapshot.value)),
    );
    expect(untagged).toEqual([]);
  });
});

describe('the branches the flow must take', () => {
  const steps = edges.map(
    ({ from, to }) => [JSON.stringify(from.value), JSON.stringify(to.value)] as const,
  );
  const leaf = (value: string) => JSON.parse(value) as string | Record<string, string>;
  const name = (value: string) => {
    const parsed = leaf(value);
    return typeof parsed === 'string' ? parsed : Object.values(parsed)[0];
  };
  const moves = new Set(steps.map(([from, to]) => `${name(from)} -> ${name(to)}`));

  it.each([
    ['young age group goes to the summary', 'childLivesWithParent -> confirmDetails'],
    ['own-contact age group asks for the player mobile', 'childLivesWithParent -> playerMobile'],
    ['address lookup finds the address', 'lookingUpParentAddress -> confirmParentAddress'],
    ['address lookup is down', 'lookingUpParentAddress -> parentAddressTyped'],
    ['several addresses at 13 are listed', 'lookingUpParentAddress -> chooseParentAddress'],
    ['an address picked from the list at 13', 'chooseParentAddress -> confirmParentAddress'],
    ['none of the list at 13', 'chooseParentAddress -> parentAddressTyped'],
    ['house not in the postcode at 13', 'lookingUpParentAddress -> parentHouseNotFound'],
    ['another house number at 13', 'parentHouseNotFound -> lookingUpParentAddress'],
    ['the number is right at 13', 'parentHouseNotFound -> parentAddressTyped'],
    ['unknown postcode at 13', 'lookingUpParentAddress -> parentPostcodeUnknown'],
    ['another postcode at 13', 'parentPostcodeUnknown -> lookingUpParentAddress'],
    ['several addresses at 19 are listed', 'lookingUpChildAddress -> chooseChildAddress'],
    ['an address picked from the list at 19', 'chooseChildAddress -> confirmChildAddress'],
    ['none of the list at 19', 'chooseChildAddress -> childAddressTyped'],
    ['house not in the postcode at 19', 'lookingUpChildAddress -> childHouseNotFound'],
    ['another house number at 19', 'childHouseNotFound -> lookingUpChildAddress'],
    ['the number is right at 19', 'childHouseNotFound -> childAddressTyped'],
    ['unknown postcode at 19', 'lookingUpChildAddress -> childPostcodeUnknown'],
    ['another postcode at 19', 'childPostcodeUnknown -> lookingUpChildAddress'],
    ['child address is down at 19', 'lookingUpChildAddress -> childAddressTyped'],
    ['parent address rejected at 15', 'confirmParentAddress -> parentAddressTyped'],
    ['child address rejected at 21', 'confirmChildAddress -> childAddressTyped'],
    ['child lives elsewhere', 'childLivesWithParent -> childPostcode'],
    ['kit needed', 'checkingKit -> kitSize'],
    ['kit not needed', 'checkingKit -> photo'],
    ['shirt number taken', 'reservingShirtNumber -> shirtNumber'],
    ['correction at 28', 'confirmDetails -> parentPostcode'],
    ['sibling after 35', 'registered -> checkingCode'],
    ['sibling offered the parent details', 'checkingCode -> reuseParentDetails'],
    ['date of birth too old for the age group', 'childDateOfBirth -> childAgeGroupCheck'],
    ["returning: last season's record found", 'findingPrevious -> verifyIdentity'],
    ['returning: not found offers the new-player route', 'findingPrevious -> returningPlayer'],
    ['returning: registered as a new player instead', 'returningPlayer -> checkingCode'],
    ['returning: a wrong answer gets a second try', 'verifyIdentity -> verifyIdentity'],
    ['returning: verification failed twice', 'verifyIdentity -> generic'],
    ['returning: the answer matches', 'verifyIdentity -> loadingHeld'],
    ['returning: the matched record read again', 'loadingHeld -> claimingRegistration'],
    ['returning: contact unchanged', 'heldParentContact -> heldAddress'],
    ['returning: a new mobile', 'heldParentContact -> parentMobile'],
    ['returning: a new e-mail', 'heldParentContact -> parentEmail'],
    ['returning: back to the review after a change', 'parentMobile -> heldAddress'],
    ['returning: moved house', 'heldAddress -> parentPostcode'],
    ['returning: medical changed', 'heldMedical -> medicalIssues'],
    ['returning: nothing else changed', 'heldMedical -> confirmDetails'],
    ['returning: own contact asked at 16+', 'heldMedical -> playerMobile'],
    ['returning: kit due, shirt number kept', 'kitSize -> reservingShirtNumber'],
    ['returning: no kit due, shirt number kept', 'checkingKit -> reservingShirtNumber'],
    ['returning: no photo on file', 'reservingShirtNumber -> photo'],
    ['returning: photo on file, number kept', 'reservingShirtNumber -> registered'],
    ['returning: photo on file, no kit due', 'checkingKit -> registered'],
  ])('%s', (_title, move) => {
    expect(moves).toContain(move);
  });
});
