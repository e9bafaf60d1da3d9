/**
 * One product process for airtable-burst.test.ts: `node --import tsx airtable-records-child.ts
 * <label> <count>`, configured by its environment (REDIS_URL, DATA_DIR, AIRTABLE_*). Composes the
 * product as server/main.ts does, with its job workers, prints `ready`, saves `count`
 * registrations at once through the flow's port, prints `registered`, and closes when stdin ends.
 */
import { createInterface } from 'node:readline';
import { composeProduct } from '../../server/compose.ts';
import { loadConfig } from '../../server/config.ts';
import { startWorkers } from '../../server/workers.ts';
import { registrationFixture } from './registration-fixture.ts';

const label = process.argv[2] ?? 'p';
const count = Number(process.argv[3] ?? '1');
const LAST_NAMES = ["O'Brien", 'O’Brien', "D'Souza", 'Ní Bhriain', "a'); DELETE", 'Smith'];
const print = (line: string) => process.stdout.write(`${line}\n`);

const product = await composeProduct(loadConfig(process.env), (event, data) => {
  if (event.startsWith('records.') || event.startsWith('airtable.')) {
    print(JSON.stringify({ event, ...data }));
  }
});
startWorkers(product, () => {});
print('ready');
await Promise.all(
  Array.from({ length: count }, (_, i) =>
    product.ports.registrations.upsert(
      `reg-${label}-${i}`,
      registrationFixture({
        player_first_name: `Kid${label}${i}`,
        player_last_name: LAST_NAMES[i % LAST_NAMES.length] ?? 'Smith',
      }),
    ),
  ),
);
print('registered');
for await (const line of createInterface({ input: process.stdin })) void line;
await product.close();
process.exit(0);
