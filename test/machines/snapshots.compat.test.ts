import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionId } from '../../machines/chat-service.ts';
import { createHarness } from '../support/harness.ts';
import { storeSession, type LegacyEnvelope } from '../support/stored.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/snapshots');

/** What the parent says next in each stored state, and where that must lead. */
const NEXT: Record<string, { say: string; routine: number | null }> = {
  generic: { say: '200-Lions-U10-2526', routine: 1 },
  parentEmail: { say: 'sarah@example.com', routine: 10 },
  confirmDetails: { say: 'yes', routine: 29 },
};

const current = (await readdir(FIXTURES)).filter((name) => /^session-v1-.+\.json$/.test(name));

describe('stored sessions of released versions', () => {
  it('has a fixture for each state the table names', () => {
    expect(current.map((name) => name.replace(/^session-v1-|\.json$/g, '')).sort()).toEqual(
      Object.keys(NEXT).sort(),
    );
  });

  it.each(current)('%s restores and continues where it stopped', async (name) => {
    const { sessionId, envelope } = JSON.parse(await readFile(join(FIXTURES, name), 'utf8')) as {
      sessionId: string;
      envelope: LegacyEnvelope;
    };
    const state = name.replace(/^session-v1-|\.json$/g, '');
    const harness = await createHarness();
    const id = SessionId.parse(sessionId);
    await storeSession(harness.snapshots, id, envelope);
    const turn = await harness.chat.reply({
      sessionId: id,
      text: NEXT[state]?.say ?? '',
      hint: {},
    });
    expect(turn.reply).not.toMatch(/start again/);
    expect(turn.routineNumber).toBe(NEXT[state]?.routine);
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
