import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { connectRedisClient } from '../redis/connection.ts';
import { redisScript } from '../redis/script.ts';
import { ToolUnavailableError } from '../tool.ts';
import {
  CommitTooLateError,
  InstanceBusyError,
  RevisionConflictError,
  SNAPSHOT_STORE_DEFAULTS,
  StoredInstance,
  savedInstance,
  storedJson,
  type HeldInstance,
  type InstanceKey,
  type SnapshotStore,
  type SnapshotStoreOptions,
} from './port.ts';

export type RedisSnapshotStoreOptions = SnapshotStoreOptions & {
  /** Put before every key, so that several stores (or tests) can share one Redis. */
  prefix: string;
};

/**
 * KEYS: lock, data. ARGV: token, lock ttl, known tag ('': none). Takes the lock if free and returns
 * the data with it, or {2} when the stored save carries the known tag (the caller has it already):
 * then only the head of the stored text is read, where the revision and the tag are.
 */
const ACQUIRE = redisScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  if ARGV[3] ~= '' then
    local head = redis.call('GETRANGE', KEYS[2], 0, 127)
    if string.match(head, '^{"revision":%d+,"etag":"([%w-]+)"') == ARGV[3] then return {2} end
  end
  return {1, redis.call('GET', KEYS[2])}
end
return {0}`);

/**
 * KEYS: lock, data, journal, journal bytes. ARGV: token, expected revision (-1: none), new value,
 * ttl, not after (epoch ms by Redis's clock, 0: none), journal byte bound, then the journal
 * entries to append. Saves only while holding the lock, when the stored revision is the expected
 * one and before the deadline (a script queued on a frozen Redis runs too late). The revision is
 * read from the head of the stored text (saved first), else by decoding all of it. The journal is
 * a list beside the instance with its byte count (of its entries) in a key of its own: a save
 * appends, drops the oldest past the bound and keeps both as long as the instance; a first save
 * starts a new one. Returns {saved 1/0/2 (2: too late), revision found (-1: none, -2: unreadable)}.
 */
const COMMIT = redisScript(`
if ARGV[5] ~= '0' then
  local time = redis.call('TIME')
  local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  if nowMs > tonumber(ARGV[5]) then return {2, -1} end
end
local found = -1
if redis.call('EXISTS', KEYS[2]) == 1 then
  local leading = string.match(redis.call('GETRANGE', KEYS[2], 0, 63), '^{"revision":(%d+),')
  if leading then
    found = tonumber(leading)
  else
    local ok, decoded = pcall(cjson.decode, redis.call('GET', KEYS[2]))
    if ok and type(decoded) == 'table' and type(decoded.revision) == 'number' then
      found = decoded.revision
    else
      found = -2
    end
  end
end
if redis.call('GET', KEYS[1]) ~= ARGV[1] or found ~= tonumber(ARGV[2]) then
  return {0, found}
end
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
redis.call('DEL', KEYS[1])
if found == -1 then redis.call('DEL', KEYS[3], KEYS[4]) end
if #ARGV > 6 then
  local bytes = tonumber(redis.call('GET', KEYS[4]) or '0')
  for i = 7, #ARGV do
    redis.call('RPUSH', KEYS[3], ARGV[i])
    bytes = bytes + #ARGV[i]
  end
  local keep = tonumber(ARGV[6])
  while bytes > keep do
    local dropped = redis.call('LPOP', KEYS[3])
    if not dropped then
      bytes = 0
      break
    end
    bytes = bytes - #dropped
  end
  redis.call('SET', KEYS[4], bytes, 'PX', ARGV[4])
else
  redis.call('PEXPIRE', KEYS[4], ARGV[4])
end
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return {1, found}`);

/** KEYS: lock. ARGV: token. Deletes the lock only if it is still ours. */
const RELEASE = redisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/**
 * The scripts' answers, read by hand: they run every turn, and a zod union of tuples tried its
 * options in order, building the failed ones' issues, for the common answers ({2}: the kept
 * actor is current). A shape the scripts never answer is a bug, thrown as one.
 */
function acquireReply(reply: unknown): { taken: 0 | 1 | 2; json: string | null } {
  if (Array.isArray(reply)) {
    const [taken, json = null] = reply as unknown[];
    if ((taken === 0 || taken === 2) && reply.length === 1) return { taken, json: null };
    if (taken === 1 && reply.length <= 2 && (json === null || typeof json === 'string')) {
      return { taken, json };
    }
  }
  throw new Error(`The acquire script answered ${describeReply(reply)}`);
}

function commitReply(reply: unknown): { saved: 0 | 1 | 2; found: number } {
  if (Array.isArray(reply) && reply.length === 2) {
    const [saved, found] = reply as unknown[];
    if ((saved === 0 || saved === 1 || saved === 2) && typeof found === 'number') {
      return { saved, found };
    }
  }
  throw new Error(`The commit script answered ${describeReply(reply)}`);
}

/** An unexpected answer's shape for the error, never its content (it may be a family's record). */
const describeReply = (reply: unknown) =>
  Array.isArray(reply)
    ? `[${reply.map((item) => (item === null ? 'null' : typeof item)).join(', ')}]`
    : typeof reply;

const SERVICE = 'snapshots';
const POLL_MS = 25;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Redis failure is the store being unavailable: it is thrown, never read as "no instance". */
async function reaching<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (cause) {
    throw new ToolUnavailableError(SERVICE, { cause });
  }
}

function parseStored(key: InstanceKey, json: string | null): StoredInstance | null {
  if (json === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw new Error(`A stored ${key.machine} instance is unreadable: not JSON`, { cause });
  }
  const stored = StoredInstance.safeParse(value);
  if (!stored.success) {
    throw new Error(
      `A stored ${key.machine} instance is unreadable: ${z.prettifyError(stored.error)}`,
    );
  }
  return stored.data;
}

/**
 * Persisted machine instances in Redis, shared by every process: one round trip to take a lock and
 * load (SET NX PX + GET in a script), one to save (check the lock and revision, SET, append to the
 * journal, DEL).
 */
export async function createRedisSnapshotStore(
  url: string,
  options: Partial<RedisSnapshotStoreOptions> = {},
): Promise<SnapshotStore> {
  const { waitMs, lockTtlMs, prefix } = { ...SNAPSHOT_STORE_DEFAULTS, prefix: '', ...options };
  const { client, close } = await connectRedisClient(url);
  const lockKey = ({ machine, id }: InstanceKey) => `${prefix}lock:${machine}:${id}`;
  const dataKey = ({ machine, id }: InstanceKey) => `${prefix}instance:${machine}:${id}`;
  const journalKey = ({ machine, id }: InstanceKey) => `${prefix}journal:${machine}:${id}`;
  const journalBytesKey = ({ machine, id }: InstanceKey) =>
    `${prefix}journal-bytes:${machine}:${id}`;
  const keys = (key: InstanceKey) => [lockKey(key), dataKey(key)];

  const release = (key: InstanceKey, token: string) =>
    reaching(() => RELEASE.run(client, { keys: [lockKey(key)], arguments: [token] }));

  /** Takes the lock if it is free and loads the instance (unless it is `known`), in one round trip. */
  const tryAcquire = async (key: InstanceKey, token: string, known?: StoredInstance) => {
    const reply = await reaching(() =>
      ACQUIRE.run(client, {
        keys: keys(key),
        arguments: [token, String(lockTtlMs), known?.etag ?? ''],
      }),
    );
    const { taken, json } = acquireReply(reply);
    if (taken === 2 && known) return { stored: known };
    if (taken !== 1) return null;
    try {
      return { stored: parseStored(key, json) };
    } catch (error) {
      await release(key, token);
      throw error;
    }
  };

  const held = (key: InstanceKey, token: string, stored: StoredInstance | null): HeldInstance => {
    /** The commit saved and dropped the lock in its script: nothing is left to release. */
    let released = false;
    return {
      stored,
      async commit(record, ttlMs, options = {}) {
        // Never start a save after the deadline; one in flight is refused by Redis if it runs late.
        if (options.notAfter !== undefined && Date.now() > options.notAfter) {
          throw new CommitTooLateError(key);
        }
        const expected = stored?.revision ?? -1;
        // The revision first: the save script reads it from the start of the text (no decoding).
        // The lock's token, random to this turn, tags the save.
        const stamp = { revision: (stored?.revision ?? 0) + 1, etag: token };
        // As bytes: encoded to UTF-8 once, then written to the socket as they are. As a string
        // (often UTF-16, for a name like O’Brien) the client measured it, copied it into the
        // command's text and encoded that again.
        const next = Buffer.from(storedJson(stamp, key.machine, record));
        const reply = await reaching(() =>
          COMMIT.run(client, {
            keys: [...keys(key), journalKey(key), journalBytesKey(key)],
            arguments: [
              token,
              String(expected),
              next,
              String(Math.max(1, Math.round(ttlMs))),
              String(
                options.notAfter === undefined ? 0 : Math.max(1, Math.floor(options.notAfter)),
              ),
              String(options.journal?.keepBytes ?? 0),
              ...(options.journal?.add ?? []).map((entry) => JSON.stringify(entry)),
            ],
          }),
        );
        const { saved, found } = commitReply(reply);
        if (saved === 2) throw new CommitTooLateError(key);
        if (found === -2) throw new Error(`A stored ${key.machine} instance is unreadable`);
        if (saved !== 1) {
          throw new RevisionConflictError(key, stored?.revision ?? 0, found < 0 ? null : found);
        }
        released = true;
        return savedInstance(record, key.machine, stamp.revision, stamp.etag);
      },
      async release() {
        if (released) return;
        released = true;
        await release(key, token);
      },
    };
  };

  return {
    async acquire(key, { known } = {}) {
      const token = randomUUID();
      const deadline = Date.now() + waitMs;
      for (;;) {
        const got = await tryAcquire(key, token, known);
        if (got) return held(key, token, got.stored);
        if (Date.now() >= deadline) throw new InstanceBusyError();
        await sleep(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
      }
    },
    async load(key) {
      const json = await reaching(() => client.get(dataKey(key)));
      return parseStored(key, json);
    },
    async journal(key, { last } = {}) {
      if (last !== undefined && last < 1) return [];
      const from = last === undefined ? 0 : -last;
      const entries = await reaching(() => client.lRange(journalKey(key), from, -1));
      return entries.map((entry) => JSON.parse(entry) as unknown);
    },
    async delete(key) {
      await reaching(() => client.del([dataKey(key), journalKey(key), journalBytesKey(key)]));
    },
    close,
  };
}
