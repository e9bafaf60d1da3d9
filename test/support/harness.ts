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
import { defaultClub, type ClubConfig } from '../../routines/club.ts';
import { createDemoAddressLookup } from '../../tools/address-lookup/address-lookup.ts';
import { createSimulatedPayments } from '../../tools/payments/payments.ts';
import { createLocalPhotoStore } from '../../tools/photos/photos.ts';
import { createEmbeddedRegistrationStore } from '../../tools/registrations/registrations.ts';
import { createMemorySessionStore, type SessionStore } from '../../tools/snapshots/session-store.ts';
import { createLoggingSmsOutbox } from '../../tools/sms/sms.ts';
import { createEmbeddedTeamDirectory } from '../../tools/teams/teams.ts';

export type Harness = {
  chat: ChatService;
  ports: EffectPorts;
  sessions: SessionStore;
  club: ClubConfig;
  logs: { event: string; data?: Record<string, unknown> }[];
  say: (text: string) => ReturnType<ChatService['reply']>;
  sessionId: SessionId;
};

/** The whole product with its embedded adapters, in memory, for one test. */
export async function createHarness(
  options: {
    club?: ClubConfig;
    interpreter?: Interpreter;
    sessions?: SessionStore;
    now?: () => Date;
  } = {},
): Promise<Harness> {
  const club = options.club ?? defaultClub;
  const logs: Harness['logs'] = [];
  const log: Log = (event, data) => logs.push(data ? { event, data } : { event });
  const photosRoot = await mkdtemp(join(tmpdir(), 'photos-'));
  const ports: EffectPorts = {
    teams: await createEmbeddedTeamDirectory(
      null,
      club.demoTeams.map((team) => ({ ...team, season: club.season.code })),
    ),
    addressLookup: createDemoAddressLookup(),
    registrations: await createEmbeddedRegistrationStore(null),
    payments: await createSimulatedPayments(null),
    sms: await createLoggingSmsOutbox(null, log),
    photos: createLocalPhotoStore(photosRoot),
  };
  const sessions = options.sessions ?? createMemorySessionStore();
  const chat = createChatService({
    club,
    sessions,
    interpreter: options.interpreter ?? createOfflineInterpreter(club),
    ports,
    publicBaseUrl: 'http://localhost:8000',
    log,
    now: options.now ?? (() => new Date('2025-08-01T10:00:00Z')),
  });
  const sessionId = SessionId.parse(`session-test-${Math.random().toString(36).slice(2, 11)}`);
  return {
    chat,
    ports,
    sessions,
    club,
    logs,
    sessionId,
    say: (text) => chat.reply({ sessionId, text }),
  };
}
