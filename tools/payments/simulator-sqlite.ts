import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ensureSchema, inWriteTransaction, type SqliteDatabase } from '../sqlite/database.ts';
import type { Payments } from './payments.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS simulated_billing_requests (
  idempotency_key TEXT PRIMARY KEY,
  id TEXT NOT NULL,
  signing_on_fee_pence INTEGER NOT NULL,
  description TEXT NOT NULL,
  metadata TEXT NOT NULL,
  created_at TEXT NOT NULL
) WITHOUT ROWID;
`;

const Created = z.object({ id: z.string().regex(/^BRQSIM[0-9A-F]{12}$/) });

/**
 * The offline payment simulator (no GoCardless configured) keeping what it created in the SQLite
 * file: the same idempotency key always gives the same billing request, across processes too.
 */
export function createSqliteSimulatedPayments(
  db: SqliteDatabase,
  now = () => new Date(),
): Payments {
  ensureSchema(db, SCHEMA);
  const statements = {
    insert: db.prepare(
      `INSERT OR IGNORE INTO simulated_billing_requests
       (idempotency_key, id, signing_on_fee_pence, description, metadata, created_at)
       VALUES (@idempotencyKey, @id, @signingOnFeePence, @description, @metadata, @createdAt)`,
    ),
    get: db.prepare('SELECT id FROM simulated_billing_requests WHERE idempotency_key = ?'),
  };
  return {
    async createBillingRequest(input) {
      const digest = createHash('sha256').update(input.idempotencyKey).digest('hex').slice(0, 12);
      return inWriteTransaction(db, 'payments', () => {
        statements.insert.run({
          ...input,
          id: `BRQSIM${digest.toUpperCase()}`,
          metadata: JSON.stringify(input.metadata),
          createdAt: now().toISOString(),
        });
        const { id } = Created.parse(statements.get.get(input.idempotencyKey));
        return { billingRequestId: id };
      });
    },
  };
}
