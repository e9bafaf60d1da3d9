import { join } from 'node:path';
import Database from 'better-sqlite3';

/** What the embedded SQLite file under DATA_DIR holds, read as a volunteer would count it. */
export function readEmbedded(dataDir: string) {
  const db = new Database(join(dataDir, 'club.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const count = (table: string) =>
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const registrations = (
      db.prepare('SELECT fields FROM registrations').all() as { fields: string }[]
    ).map((row) => JSON.parse(row.fields) as Record<string, unknown>);
    return {
      registrations,
      billingRequests: count('simulated_billing_requests'),
      texts: count('sms_texts'),
    };
  } finally {
    db.close();
  }
}
