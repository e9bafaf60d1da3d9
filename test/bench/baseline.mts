/**
 * The bench's baseline, in its own process: a minimal Koa server that answers the product's
 * request shape (POST /chat with a JSON body) with one Redis GET and one SET of a session of
 * SESSION_BYTES bytes, and GET /health. The least a stateful chat server must do per turn.
 *   PORT=… REDIS_URL=… SESSION_BYTES=… node --import tsx test/bench/baseline.mts
 */
import { createServer } from 'node:http';
import { createClient } from '@redis/client';
import Koa from 'koa';
import { koaBody } from 'koa-body';

const port = Number(process.env.PORT ?? 0);
const sessionBytes = Number(process.env.SESSION_BYTES ?? 2_000);
const client = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
await client.connect();

const app = new Koa();
app.use(koaBody({ jsonLimit: '16kb', text: false, urlencoded: false }));
app.use(async (ctx) => {
  if (ctx.method === 'GET' && ctx.path === '/health') {
    ctx.body = { status: 'ok' };
    return;
  }
  const body = (ctx.request.body ?? {}) as { session_id?: unknown; user_message?: unknown };
  const id = typeof body.session_id === 'string' ? body.session_id : crypto.randomUUID();
  const key = `baseline:session:${id}`;
  const stored = await client.get(key);
  const turn = stored ? Number(stored.slice(0, 8)) + 1 : 1;
  // The session: its turn count, padded to the product's session size.
  const session = String(turn).padStart(8, '0').padEnd(sessionBytes, '.');
  await client.set(key, session, { PX: 86_400_000 });
  ctx.body = {
    response: `Turn ${turn}: ${String(body.user_message ?? '').slice(0, 100)}`,
    session_id: id,
    routine_number: turn,
  };
});
const handle = app.callback();
const server = createServer((request, response) => void handle(request, response));
server.listen(port, '127.0.0.1');

const stop = () => {
  server.close();
  void client.quit().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
