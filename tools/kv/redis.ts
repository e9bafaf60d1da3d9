import { connectRedisClient } from '../redis/connection.ts';
import { ToolUnavailableError } from '../tool.ts';
import { z } from 'zod';
import type { KeyValueStore } from './port.ts';

/** KEYS: key. ARGV: value, ttl in ms (0: none). SET NX, or the value already there. */
const SET_IF_ABSENT = `
local set
if ARGV[2] == '0' then
  set = redis.call('SET', KEYS[1], ARGV[1], 'NX')
else
  set = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
end
if set then return {1} end
return {0, redis.call('GET', KEYS[1])}`;

const SetIfAbsentReply = z.union([z.tuple([z.literal(1)]), z.tuple([z.literal(0), z.string()])]);

const SERVICE = 'key-value';

async function reaching<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (cause) {
    throw new ToolUnavailableError(SERVICE, { cause });
  }
}

function encode(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('A key-value store keeps JSON values only');
  return json;
}

const decode = (namespace: string, json: string): unknown => {
  try {
    return JSON.parse(json);
  } catch (cause) {
    throw new Error(`A stored ${namespace} value is unreadable: not JSON`, { cause });
  }
};

const ttlArgument = (ttlMs?: number) =>
  ttlMs === undefined ? '0' : String(Math.max(1, Math.round(ttlMs)));

/**
 * Small JSON values in Redis under `namespace:`, shared by every process. A Redis failure is
 * thrown (ToolUnavailableError), never read as "no value".
 */
export async function createRedisKeyValueStore(
  url: string,
  namespace: string,
): Promise<KeyValueStore> {
  const { client, close } = await connectRedisClient(url);
  const name = (key: string) => `${namespace}:${key}`;
  return {
    async get(key) {
      const json = await reaching(() => client.get(name(key)));
      return json === null ? undefined : decode(namespace, json);
    },
    async set(key, value, ttlMs) {
      const json = encode(value);
      await reaching(() =>
        ttlMs === undefined
          ? client.set(name(key), json)
          : client.set(name(key), json, {
              expiration: { type: 'PX', value: Number(ttlArgument(ttlMs)) },
            }),
      );
    },
    async setIfAbsent(key, value, ttlMs) {
      const json = encode(value);
      const reply = await reaching(() =>
        // EVAL with its (short) text, not EVALSHA: a script Redis lacks would be sent again after
        // calls made later, and calls are applied in the order they are made (see the port).
        client.eval(SET_IF_ABSENT, { keys: [name(key)], arguments: [json, ttlArgument(ttlMs)] }),
      );
      const [stored, existing] = SetIfAbsentReply.parse(reply);
      return stored === 1
        ? { stored: true, value: decode(namespace, json) }
        : { stored: false, value: decode(namespace, existing) };
    },
    async delete(key) {
      await reaching(() => client.del(name(key)));
    },
    close,
  };
}
