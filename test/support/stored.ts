import type { SnapshotStore } from '../../tools/snapshots/port.ts';

/** A session as wave 1 stored it (the committed fixtures), or any raw stored session. */
export type LegacyEnvelope = {
  machine?: string;
  version: string;
  snapshot: unknown;
  savedAt?: string;
  recent?: unknown[];
};

/** Puts a stored session into a snapshot store as if a turn had saved it. */
export async function storeSession(
  store: SnapshotStore,
  sessionId: string,
  { version, snapshot, savedAt = '2025-08-01T10:00:00.000Z', recent = [] }: LegacyEnvelope,
) {
  const held = await store.acquire({ machine: 'session', id: sessionId });
  await held.commit({ version, snapshot, savedAt, extra: { recent } }, 3_600_000);
}
