/**
 * Small JSON values by key, shared by every process (Redis, or the embedded SQLite file):
 * the idempotency ledger, upload statuses, settings. Values are plain JSON. Calls one process
 * makes without waiting for each other are applied in the order they were made (Redis: one
 * connection, sent together in one round trip).
 */
export interface KeyValueStore {
  get(key: string): Promise<unknown>;
  /** Stores `value`; with `ttlMs` it disappears after that long. */
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  /**
   * Stores `value` only if nothing is stored under `key`, atomically across processes.
   * Returns whether it was stored, and the value now stored (ours, or the one already there).
   */
  setIfAbsent(
    key: string,
    value: unknown,
    ttlMs?: number,
  ): Promise<{ stored: boolean; value: unknown }>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}
