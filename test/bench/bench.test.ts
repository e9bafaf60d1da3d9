import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REGISTRATION } from '../support/registration-script.ts';
import { cpuNs, mainThreadCpuNs, ROOT, rssBytes } from './processes.mts';
import {
  seedRegistrations,
  sessionBytesIn,
  startBaseline,
  startLoad,
  startProduct,
  webhooks,
  type Load,
  type Product,
} from './run.mts';

/** The bench is not timed in the suite; this keeps its pieces starting and answering. */
describe('the bench pieces', () => {
  const redisUrl = inject('redisUrl');
  const prefix = `bench-smoke-${process.pid}.`;
  let load: Load;
  let product: Product;
  let baseline: Awaited<ReturnType<typeof startBaseline>>;

  beforeAll(async () => {
    [load, product] = await Promise.all([
      startLoad(),
      startProduct({ kind: 'tsx', dir: ROOT }, redisUrl, prefix),
    ]);
    baseline = await startBaseline(redisUrl, 2_000);
  }, 60_000);
  afterAll(async () => {
    load?.stop();
    await baseline?.child.stop();
    await product?.stop();
  });

  it('drives whole registrations on the product and the same turns on the baseline, from the load process', async () => {
    const ours = await load.run({ base: product.url, parents: 2, concurrency: 2, tag: 'smoke' });
    const theirs = await load.run({ base: baseline.url, parents: 2, concurrency: 2, tag: 'smoke' });
    expect(ours).toMatchObject({ turns: 2 * REGISTRATION.length, failures: 0, unfinished: 0 });
    expect(theirs).toMatchObject({ turns: 2 * REGISTRATION.length, failures: 0 });
    expect(await sessionBytesIn(redisUrl, prefix)).toBeGreaterThan(500);
    expect(cpuNs(product.web.pid)).toBeGreaterThan(0);
    // The main thread is one of the process's threads: some of its CPU, never more.
    expect(mainThreadCpuNs(product.web.pid)).toBeGreaterThan(0);
    expect(mainThreadCpuNs(product.web.pid)).toBeLessThan(cpuNs(product.web.pid));
    expect(rssBytes(baseline.child.pid)).toBeGreaterThan(10 * 2 ** 20);
  });

  it('seeds registrations, times the payment step alone, and pays by signed webhooks', async () => {
    // Counted in the file: the second call finds all 30 there and adds none.
    expect(await seedRegistrations(product.dataDir, 30)).toBeGreaterThan(0);
    expect(await seedRegistrations(product.dataDir, 30)).toBe(0);
    const step = REGISTRATION.findIndex(([, routine]) => routine === 30);
    const timed = await load.run({
      base: product.url,
      parents: 1,
      concurrency: 1,
      tag: 'smokestep',
      step: { index: step, serverPid: product.web.pid },
    });
    expect(timed.unfinished).toBe(0);
    expect(timed.steps).toHaveLength(1);
    const paid = await webhooks(product);
    expect(paid.payments).toBeGreaterThanOrEqual(2);
    expect(paid.events).toBeGreaterThanOrEqual(paid.payments * 4);
  });
});
