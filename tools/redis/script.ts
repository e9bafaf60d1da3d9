import { createHash } from 'node:crypto';
/** A large argument may be a Buffer: sent as it is, never copied into the command's text. */
type ScriptCall = { keys: string[]; arguments: (string | Buffer)[] };
/** The two commands a script needs (any node-redis client has them). */
type ScriptClient = {
  evalSha(sha: string, call: ScriptCall): Promise<unknown>;
  eval(script: string, call: ScriptCall): Promise<unknown>;
};

/**
 * A Lua script run by its SHA1 (EVALSHA): the script's text crosses the wire only when Redis does
 * not have it cached yet (after a restart or SCRIPT FLUSH), when it is sent once with EVAL.
 */
export function redisScript(source: string) {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(client: ScriptClient, call: ScriptCall): Promise<unknown> {
      try {
        return await client.evalSha(sha, call);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return client.eval(source, call);
      }
    },
  };
}
