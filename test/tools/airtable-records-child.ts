/**
 * One product process for airtable-burst.test.ts: `node --import tsx airtable-records-child.ts
 * <label>`, configured by its environment (REDIS_URL, DATA_DIR, AIRTABLE_*). Composes the product
 * as server/main.ts does, with its job workers (a record's retries shortened to 100 ms doubling),
 * and prints `ready`. For each line `register <from> <count>` on stdin it saves those
 * registrations at once through the flow's port and prints `registered <from>`; it closes when
 * stdin ends. Records and Airtable events are printed as JSON lines.
 */
import { createInterface } from 'node:readline';
import { composeProduct } from '../../server/compose.ts';
import { loadConfig } from '../../server/config.ts';
import { startWorkers } from '../../server/workers.ts';
import { registrationFixture } from './registration-fixture.ts';

const label = process.argv[2] ?? 'p';
const LAST_NAMES = ["O'Brien", 'O’Brien', "D'Souza", 'Ní Bhriain', "a'); DELETE", 'Smith'];
const print = (line: string) => process.stdout.write(`${line}\n`);

const product = await composeProduct(
  loadConfig(process.env),
  (event, data) => {
    if (event.startsWith('records.') || event.startsWith('airtable.')) {
      print(JSON.stringify({ event, ...data }));
    }
  },
  { recordsRetry: { attempts: 40, backoffMs: 100 } },
);
startWorkers(product, () => {});
print('ready');

async function register(from: number, count: number) {
  await Promise.all(
    Array.from({ length: count }, (_, n) => {
      const i = from + n;
      return product.ports.registrations.upsert(
        `reg-${label}-${i}`,
        registrationFixture({
          player_first_name: `Kid${label}${i}`,
          player_last_name: LAST_NAMES[i % LAST_NAMES.length] ?? 'Smith',
        }),
      );
    }),
  );
  print(`registered ${from}`);
}

for await (const line of createInterface({ input: process.stdin })) {
  const [command, from, count] = line.split(' ');
  if (command === 'register') await register(Number(from), Number(count));
}
await product.close();
process.exit(0);
