import { describe, expect, it } from 'vitest';
import { createChatService, SessionId } from '../../machines/chat-service.ts';
import { createOfflineInterpreter } from '../../machines/interpreter.ts';
import { createRunner, InstanceTooLargeError } from '../../machines/runner.ts';
import { defaultClub } from '../../routines/club.ts';
import { createSqliteSnapshotStore } from '../../tools/snapshots/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import { embeddedPorts } from '../support/harness.ts';

describe('the size of a persisted instance', () => {
  it.each([
    ['saves a session within the bound', 20_000, true],
    ['refuses to save a session past the bound, saving nothing', 500, false],
  ])('%s', async (_case, maxInstanceBytes, saved) => {
    const db = openDatabase(':memory:');
    const log = () => {};
    const store = createSqliteSnapshotStore(db);
    const chat = createChatService({
      club: defaultClub,
      runner: createRunner({ store, log, maxInstanceBytes }),
      interpreter: createOfflineInterpreter(defaultClub),
      ports: await embeddedPorts(db, defaultClub, log),
      publicBaseUrl: 'http://localhost:8000',
      log,
    });
    const sessionId = SessionId.parse('session-1732190000000-s1z3b0und');
    const turn = chat.reply({ sessionId, text: 'hi, my code is 200-Lions-U10-2526 '.repeat(40) });
    if (saved) await expect(turn).resolves.toMatchObject({ routineNumber: 1 });
    else await expect(turn).rejects.toThrow(InstanceTooLargeError);
    expect((await store.load({ machine: 'session', id: sessionId })) !== null).toBe(saved);
    db.close();
  });
});
