import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { KoaAdapter } from '@bull-board/koa';
import { Queue } from 'bullmq';
import type { Middleware } from 'koa';

export type BullmqBoardOptions = {
  url: string;
  /** The jobs' key prefix (as given to createBullmqJobs). */
  prefix?: string;
  queues: readonly string[];
  /** Where the board is mounted, e.g. /admin/queues. */
  basePath: string;
};

/**
 * bull-board on the BullMQ queues: the waiting, running, delayed and failed jobs, with retry.
 * The caller puts it behind the admin token; its own body parser reads its API's requests.
 */
export function createBullmqBoard({ url, prefix, queues, basePath }: BullmqBoardOptions) {
  const opened = queues.map(
    (name) =>
      new Queue(name, {
        connection: { url, enableOfflineQueue: false },
        ...(prefix === undefined ? {} : { prefix }),
      }),
  );
  for (const queue of opened) queue.on('error', () => {});
  const serverAdapter = new KoaAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: opened.map((queue) => new BullMQAdapter(queue)),
    // @bull-board/koa 9.10.1 brings its own copy of @bull-board/api (9.10.1, same shape).
    serverAdapter: serverAdapter as unknown as Parameters<
      typeof createBullBoard
    >[0]['serverAdapter'],
  });
  const middleware: Middleware = serverAdapter.registerPlugin();
  return {
    middleware,
    close: async () => {
      await Promise.all(opened.map((queue) => queue.close()));
    },
  };
}
