import type { TestProject } from 'vitest/node';
import { startRedis } from './redis.ts';

export { freePort } from './redis.ts';

/** Starts a real, throw-away redis-server for the whole run; tests read its URL with inject('redisUrl'). */
export default async function setup(project: TestProject) {
  const redis = await startRedis();
  project.provide('redisUrl', redis.url);
  return () => redis.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
