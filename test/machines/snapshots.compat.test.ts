import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionId } from '../../machines/chat-service.ts';
import { createRunner } from '../../machines/runner.ts';
import { sessionDefinition } from '../../machines/session.definition.ts';
import { createHarness } from '../support/harness.ts';
import { storeSession, type LegacyEnvelope } from '../support/stored.ts';
import type { Harness } from '../support/harness.ts';

/** The context a turn would restore (through the runner's own migration). */
async function sessionContext(harness: Harness, id: string) {
  const runner = createRunner({ store: harness.snapshots, log: () => {} });
  const definition = sessionDefinition({
    club: harness.club,
    publicBaseUrl: 'http://localhost:8000',
    now: () => new Date('2025-08-01T10:00:00Z'),
  });
  return (await runner.peek(definition, id))?.snapshot.context;
}

const FIXTURES = join(import.meta.dirname, '../fixtures/snapshots');

/** What the parent says next in each stored state, and where that must lead. */
const NEXT: Record<string, { say: string; routine: number | null }> = {
  generic: { say: '200-Lions-U10-2526', routine: 1 },
  parentEmail: { say: 'sarah@example.com', routine: 10 },
  confirmDetails: { say: 'yes', routine: 29 },
  kitSize: { say: '9-10', routine: 33 },
};

/** Every fixture of every released version: `session-v<version>-<state>.json`. */
const fixtures = (await readdir(FIXTURES))
  .map((name) => /^session-v(\d+)-(.+)\.json$/.exec(name))
  .filter((match) => match !== null)
  .map(([name = '', version = '', state = '']) => ({ name, version, state }))
  .filter(({ version }) => version !== '0');

type Fixture = { sessionId: string; envelope?: LegacyEnvelope; stored?: LegacyEnvelope };

async function restore({ name }: { name: string }) {
  const fixture = JSON.parse(await readFile(join(FIXTURES, name), 'utf8')) as Fixture;
  const harness = await createHarness();
  const id = SessionId.parse(fixture.sessionId);
  const stored = fixture.stored ?? fixture.envelope;
  if (!stored) throw new Error(`${name} holds no stored session`);
  await storeSession(harness.snapshots, id, stored);
  return { harness, id };
}

describe('stored sessions of released versions', () => {
  it('has a fixture for each state the table names, for version 1 and the current version 2', () => {
    for (const version of ['1', '2']) {
      const states = fixtures.filter((fixture) => fixture.version === version);
      expect(states.map(({ state }) => state).sort()).toEqual(Object.keys(NEXT).sort());
    }
  });

  it.each(fixtures)('v$version $state restores and continues where it stopped', async (fixture) => {
    const { harness, id } = await restore(fixture);
    const next = NEXT[fixture.state];
    const turn = await harness.chat.reply({ sessionId: id, text: next?.say ?? '', hint: {} });
    expect(turn.reply).not.toMatch(/start again/);
    expect(turn.routineNumber).toBe(next?.routine);
  });

  it('migrates v1 → v2: a saved registration keeps its id, one not yet saved gets its child key', async () => {
    const saved = await restore({ name: 'session-v1-kitSize.json' });
    const before = await saved.harness.chat.peek(saved.id);
    expect(before?.routineNumber).toBe(32);
    const savedContext = await sessionContext(saved.harness, saved.id);
    expect(savedContext).toMatchObject({ recordSaved: true, failure: null, handOff: null });
    expect(savedContext?.registrationId).toMatch(/^session-test-.+-1$/);

    const unsaved = await restore({ name: 'session-v1-confirmDetails.json' });
    await unsaved.harness.chat.peek(unsaved.id);
    const unsavedContext = await sessionContext(unsaved.harness, unsaved.id);
    expect(unsavedContext).toMatchObject({ recordSaved: false });
    expect(unsavedContext?.registrationId).toMatch(/^reg-[0-9a-f]{24}$/);
  });

  it.each([
    [
      'an unknown version',
      { machine: 'session', version: '999', snapshot: {}, savedAt: '', recent: [] },
    ],
    [
      'a snapshot that no longer fits',
      {
        machine: 'session',
        version: '1',
        snapshot: { status: 'active', value: { nowhere: 'gone' }, context: {} },
        savedAt: '',
        recent: [],
      },
    ],
    [
      'the current version with a malformed context',
      {
        machine: 'session',
        version: '1',
        snapshot: { status: 'active', value: 'generic', context: { draft: null } },
        savedAt: '',
        recent: [],
      },
    ],
  ])('restarts politely from %s', async (_title, envelope) => {
    const harness = await createHarness();
    await storeSession(harness.snapshots, harness.sessionId, envelope);
    const turn = await harness.say('hello');
    expect(turn.reply).toMatch(/start again/);
    expect(turn.agent).toBe('generic');
    expect((await harness.say('200-Lions-U10-2526')).routineNumber).toBe(1);
  });
});
