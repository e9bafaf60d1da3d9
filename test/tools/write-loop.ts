/**
 * Writes to a SQLite file until it is killed (run by store-crash.process.test.ts):
 * `node --import tsx write-loop.ts <database> <round>`. Prints `ready`, waits for `go` on stdin,
 * then loops: a registration upsert, `ack reg <id>`, a key-value set, `ack kv <id>`; each ack is
 * printed only once its write has resolved.
 */
import { createInterface } from 'node:readline';
import { createSqliteKeyValueStore } from '../../tools/kv/sqlite.ts';
import { createSqliteRegistrationStore } from '../../tools/registrations/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import { registrationFixture } from './registration-fixture.ts';

const [path, round] = process.argv.slice(2);
if (!path || !round) throw new Error('usage: write-loop.ts <database> <round>');

process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line === 'go') break;
lines.close();

const db = openDatabase(path);
const registrations = createSqliteRegistrationStore(db);
const kv = createSqliteKeyValueStore(db, 'crash');
for (let i = 0; ; i += 1) {
  const id = `${round}-${i}`;
  await registrations.upsert(id, registrationFixture({ payment_follow_up_count: i }));
  process.stdout.write(`ack reg ${id}\n`);
  await kv.set(id, { round, i, padding: 'x'.repeat(i % 500) });
  process.stdout.write(`ack kv ${id}\n`);
}
