import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createChatService,
  SessionId,
  type ChatService,
  type Log,
} from '../../machines/chat-service.ts';
import type { EffectPorts } from '../../machines/effects.ts';
import { createOfflineInterpreter, type Interpreter } from '../../machines/interpreter.ts';
import { createRunner } from '../../machines/runner.ts';
import { defaultClub, type ClubConfig } from '../../routines/club.ts';
import { createDemoAddressSearch } from '../../tools/address-lookup/demo.ts';
import { createSqliteKeyValueStore } from '../../tools/kv/sqlite.ts';
import { createSqliteSimulatedPayments } from '../../tools/payments/simulator-sqlite.ts';
import { createLocalPhotoStore } from '../../tools/photos/photos.ts';
import { createSqliteRegistrationStore } from '../../tools/registrations/sqlite.ts';
import { createSqliteJobs } from '../../tools/jobs/sqlite.ts';
import { createSqliteSmsOutbox } from '../../tools/sms/outbox-sqlite.ts';
import type { SnapshotStore } from '../../tools/snapshots/port.ts';
import { createSqliteSnapshotStore } from '../../tools/snapshots/sqlite.ts';
import { openDatabase, type SqliteDatabase } from '../../tools/sqlite/database.ts';
import { createSqliteTeamDirectory } from '../../tools/teams/sqlite.ts';

export type Harness = {
  chat: ChatService;
  ports: EffectPorts;
  snapshots: SnapshotStore;
  db: SqliteDatabase;
  club: ClubConfig;
  logs: { event: string; data?: Record<string, unknown> }[];
  /** Sends a message as the club's frontend does, with the routine number of the last reply. */
  say: (text: string) => ReturnType<ChatService['reply']>;
  sessionId: SessionId;
};

/** The embedded adapters on one SQLite database (in memory unless a path is given). */
export async function embeddedPorts(db: SqliteDatabase, club: ClubConfig, log: Log) {
  const photosRoot = await mkdtemp(join(tmpdir(), 'photos-'));
  // Jobs are queued on the same database; no worker runs them in these tests.
  const jobs = createSqliteJobs(db, { log });
  const ports: EffectPorts = {
    teams: createSqliteTeamDirectory(
      db,
      club.demoTeams.map((team) => ({ ...team, season: club.season.code })),
    ),
    addressLookup: createDemoAddressSearch(),
    registrations: createSqliteRegistrationStore(db),
    payments: createSqliteSimulatedPayments(db),
    sms: createSqliteSmsOutbox(db, jobs),
    photos: createLocalPhotoStore(photosRoot),
    ledger: createSqliteKeyValueStore(db, 'ledger'),
    jobs,
  };
  return ports;
}

/** The whole product with its embedded adapters, in memory, for one test. */
export async function createHarness(
  options: {
    club?: ClubConfig;
    interpreter?: Interpreter;
    /** Share stores (and so registrations) with another harness. */
    shareWith?: Harness;
    snapshots?: SnapshotStore;
    ports?: Partial<EffectPorts>;
    now?: () => Date;
    /** How long a paused registration is kept (the club's UNFINISHED_RETENTION_DAYS). */
    pausedTtlMs?: number;
    /** The runner's keepActors (its default when not given). */
    keepActors?: number;
  } = {},
): Promise<Harness> {
  const club = options.club ?? defaultClub;
  const logs: Harness['logs'] = [];
  const log: Log = (event, data) => logs.push(data ? { event, data } : { event });
  const db = options.shareWith?.db ?? openDatabase(':memory:');
  const ports = {
    ...(options.shareWith?.ports ?? (await embeddedPorts(db, club, log))),
    ...options.ports,
  };
  const snapshots =
    options.snapshots ?? options.shareWith?.snapshots ?? createSqliteSnapshotStore(db);
  const now = options.now ?? (() => new Date('2025-08-01T10:00:00Z'));
  const chat = createChatService({
    club,
    runner: createRunner({
      store: snapshots,
      log,
      now,
      ...(options.keepActors === undefined ? {} : { keepActors: options.keepActors }),
    }),
    interpreter: options.interpreter ?? createOfflineInterpreter(club),
    ports,
    publicBaseUrl: 'http://localhost:8000',
    log,
    now,
    ...(options.pausedTtlMs ? { pausedTtlMs: options.pausedTtlMs } : {}),
  });
  const sessionId = SessionId.parse(`session-test-${Math.random().toString(36).slice(2, 11)}`);
  let routineNumber: number | null = null;
  return {
    chat,
    ports,
    snapshots,
    db,
    club,
    logs,
    sessionId,
    say: async (text) => {
      const turn = await chat.reply({ sessionId, text, hint: { routineNumber } });
      routineNumber = turn.routineNumber;
      return turn;
    },
  };
}
