import type { KeyValueStore } from './port.ts';

/** Values in this process only, for unit tests; values are copied in and out as JSON would. */
export function createMemoryKeyValueStore(now = () => Date.now()): KeyValueStore {
  const entries = new Map<string, { json: string; until: number | null }>();
  const read = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.until !== null && entry.until <= now()) entries.delete(key);
    const live = entries.get(key);
    return live ? (JSON.parse(live.json) as unknown) : undefined;
  };
  const write = (key: string, value: unknown, ttlMs?: number) => {
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError('A key-value store keeps JSON values only');
    entries.set(key, { json, until: ttlMs === undefined ? null : now() + ttlMs });
  };
  return {
    async get(key) {
      return read(key);
    },
    async set(key, value, ttlMs) {
      write(key, value, ttlMs);
    },
    async setIfAbsent(key, value, ttlMs) {
      const existing = read(key);
      if (existing !== undefined) return { stored: false, value: existing };
      write(key, value, ttlMs);
      return { stored: true, value: read(key) };
    },
    async delete(key) {
      entries.delete(key);
    },
    async close() {
      entries.clear();
    },
  };
}
