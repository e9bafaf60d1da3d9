import { z } from 'zod';
import {
  ensureSchema,
  inWriteTransaction,
  reaching,
  type SqliteDatabase,
} from '../sqlite/database.ts';
import { maskPhone, type QueuedSms, type SmsOutbox } from './sms.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sms_outbox (
  key TEXT NOT NULL UNIQUE,
  to_number TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
  queued_at TEXT NOT NULL,
  attempts INTEGER NOT NULL
);
`;

const MessageRow = z
  .object({
    key: z.string(),
    to_number: z.string(),
    body: z.string(),
    status: z.enum(['queued', 'sent', 'failed']),
    queued_at: z.string(),
    attempts: z.number().int().nonnegative(),
  })
  .transform((row): QueuedSms => ({
    key: row.key,
    to: row.to_number,
    body: row.body,
    status: row.status,
    queuedAt: row.queued_at,
    attempts: row.attempts,
  }));

type Log = (event: string, data?: Record<string, unknown>) => void;

/**
 * The embedded outbox in the SQLite file: each message is kept whole, once per key, and "sent" by
 * logging only its masked number and its link.
 */
export function createSqliteLoggingSmsOutbox(
  db: SqliteDatabase,
  log: Log,
  now = () => new Date(),
): SmsOutbox {
  ensureSchema(db, SCHEMA);
  const statements = {
    insert: db.prepare(
      `INSERT OR IGNORE INTO sms_outbox (key, to_number, body, status, queued_at, attempts)
       VALUES (@key, @to, @body, 'sent', @queuedAt, 1)`,
    ),
    list: db.prepare('SELECT * FROM sms_outbox ORDER BY rowid'),
    erase: db.prepare('DELETE FROM sms_outbox WHERE substr(key, 1, length(@prefix)) = @prefix'),
  };
  return {
    async enqueue(message) {
      const inserted = inWriteTransaction(db, 'sms', () =>
        statements.insert.run({ ...message, queuedAt: now().toISOString() }),
      );
      if (inserted.changes === 0) return;
      const link = /https?:\/\/\S+/.exec(message.body)?.[0] ?? null;
      log('sms.sent', { to: maskPhone(message.to), link, length: message.body.length });
    },
    async erase(prefix) {
      if (prefix.length < 8) throw new Error('An erasure prefix names one registration');
      return inWriteTransaction(db, 'sms', () => statements.erase.run({ prefix }).changes);
    },
    async list() {
      return reaching('sms', () => statements.list.all().map((row) => MessageRow.parse(row)));
    },
  };
}
