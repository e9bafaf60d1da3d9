import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connectRedisClient } from '../../tools/redis/connection.ts';
import { redisScript } from '../../tools/redis/script.ts';

describe('redisScript', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
  });

  it('runs a script Redis has not seen (sent once with EVAL), then by its SHA1 alone', async () => {
    const { client, close } = await connectRedisClient(inject('redisUrl'));
    closers.push(close);
    // A text no other test loads: Redis's script cache has never held it.
    const script = redisScript(`-- ${randomUUID()}\nreturn ARGV[1] .. KEYS[1]`);
    const sent: string[] = [];
    const watched = {
      evalSha: (sha: string, call: { keys: string[]; arguments: string[] }) => {
        sent.push('EVALSHA');
        return client.evalSha(sha, call);
      },
      eval: (source: string, call: { keys: string[]; arguments: string[] }) => {
        sent.push('EVAL');
        return client.eval(source, call);
      },
    };
    const call = { keys: ['k'], arguments: ['v'] };
    expect(await script.run(watched, call)).toBe('vk');
    expect(await script.run(watched, call)).toBe('vk');
    expect(sent).toEqual(['EVALSHA', 'EVAL', 'EVALSHA']);
  });

  it('passes on a script error other than a missing script', async () => {
    const { client, close } = await connectRedisClient(inject('redisUrl'));
    closers.push(close);
    const script = redisScript(`-- ${randomUUID()}\nreturn redis.error_reply('broken')`);
    await expect(script.run(client, { keys: [], arguments: [] })).rejects.toThrow('broken');
  });
});
