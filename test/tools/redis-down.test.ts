import { afterAll, describe, expect, it } from 'vitest';
import { createRedisKeyValueStore } from '../../tools/kv/redis.ts';
import { createRedisSnapshotStore } from '../../tools/snapshots/redis.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';
import { startRedis } from '../support/redis.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `read` until it rejects (Redis noticed gone), checking it never answers "absent" meanwhile. */
async function firstFailure(read: () => Promise<unknown>, present: unknown) {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    try {
      expect(await read()).toEqual(present);
    } catch (error) {
      return error;
    }
    await sleep(50);
  }
  throw new Error('Redis never looked unreachable');
}

describe('Redis stores while Redis is unreachable', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
  });

  it('throw ToolUnavailableError at once instead of reading a stored value as absent', async () => {
    const redis = await startRedis();
    const snapshots = await createRedisSnapshotStore(redis.url, { waitMs: 0 });
    const kv = await createRedisKeyValueStore(redis.url, 'ledger');
    closers.push(snapshots.close, kv.close);
    const key = { machine: 'session', id: 's1' };
    const record = { version: '1', snapshot: { value: 'parentName' }, savedAt: 'now', extra: {} };
    await (await snapshots.acquire(key)).commit(record, 60_000);
    await kv.set('key', 'value');
    const stored = await snapshots.load(key);

    redis.stop();
    const failures = [
      await firstFailure(() => snapshots.load(key), stored),
      await firstFailure(() => kv.get('key'), 'value'),
    ];
    const started = Date.now();
    failures.push(
      ...(await Promise.allSettled([snapshots.acquire(key), kv.setIfAbsent('other', 1)])).map(
        (settled) => (settled.status === 'rejected' ? settled.reason : settled.value),
      ),
    );
    expect(Date.now() - started).toBeLessThan(500);
    expect(failures.map((failure) => failure instanceof ToolUnavailableError)).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });
});
