import { z } from 'zod';
import type { JobOptions, Jobs } from '../jobs/port.ts';
import {
  ensureSchema,
  inWriteTransaction,
  reaching,
  type SqliteDatabase,
} from '../sqlite/database.ts';
import { SMS_QUEUE, TEXT_STATUSES, type QueuedSms, type SmsOutboxRecords } from './sms.ts';
import { isLaterStatus } from './twilio-status.ts';

const SERVICE = 'sms';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sms_texts (
  key TEXT PRIMARY KEY,
  registration_id TEXT NOT NULL,
  to_number TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'failed')),
  provider_id TEXT UNIQUE,
  provider_status TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  queued_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS sms_texts_by_registration ON sms_texts (registration_id, queued_at);
CREATE INDEX IF NOT EXISTS sms_texts_by_status ON sms_texts (status, queued_at);
`;

const Row = z
  .object({
    key: z.string(),
    registration_id: z.string(),
    to_number: z.string(),
    body: z.string(),
    status: z.enum(TEXT_STATUSES),
    provider_id: z.string().nullable(),
    provider_status: z.string().nullable(),
    attempts: z.number().int().nonnegative(),
    last_error: z.string().nullable(),
    queued_at: z.string(),
    updated_at: z.string(),
  })
  .transform((row): QueuedSms => ({
    key: row.key,
    registrationId: row.registration_id,
    to: row.to_number,
    body: row.body,
    status: row.status,
    providerId: row.provider_id,
    providerStatus: row.provider_status,
    attempts: row.attempts,
    lastError: row.last_error,
    queuedAt: row.queued_at,
    updatedAt: row.updated_at,
  }));

/** The outbox's own status for a provider status: delivered, failed, or still on its way. */
const FINAL: Record<string, 'delivered' | 'failed'> = {
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
  canceled: 'failed',
};

export type SqliteSmsOutboxOptions = {
  /** How each text's job is retried (attempts, backoff). */
  retry?: JobOptions;
  now?: () => Date;
};

/**
 * The outbox in the SQLite file: every text kept whole with its state, so the club can see each
 * one, and a job per text on the queue `sms` (job id = the text's key) that sends it.
 */
export function createSqliteSmsOutbox(
  db: SqliteDatabase,
  jobs: Jobs,
  options: SqliteSmsOutboxOptions = {},
): SmsOutboxRecords {
  ensureSchema(db, SCHEMA);
  const now = () => (options.now ?? (() => new Date()))().toISOString();
  const statements = {
    insert: db.prepare(
      `INSERT OR IGNORE INTO sms_texts (key, registration_id, to_number, body, status, queued_at, updated_at)
       VALUES (@key, @registrationId, @to, @body, 'queued', @now, @now)`,
    ),
    get: db.prepare('SELECT * FROM sms_texts WHERE key = ?'),
    list: db.prepare(
      `SELECT * FROM sms_texts
       WHERE (@status IS NULL OR status = @status)
         AND (@registrationId IS NULL OR registration_id = @registrationId)
       ORDER BY queued_at, rowid`,
    ),
    latest: db.prepare(
      'SELECT * FROM sms_texts WHERE registration_id = ? ORDER BY queued_at DESC, rowid DESC LIMIT 1',
    ),
    attempt: db.prepare(
      `UPDATE sms_texts SET attempts = max(attempts, @attempt), last_error = @error, updated_at = @now
       WHERE key = @key`,
    ),
    sent: db.prepare(
      `UPDATE sms_texts SET provider_id = @providerId, last_error = NULL, updated_at = @now,
         status = CASE status WHEN 'queued' THEN 'sent' WHEN 'failed' THEN 'sent' ELSE status END
       WHERE key = @key`,
    ),
    failed: db.prepare(
      `UPDATE sms_texts SET status = 'failed', last_error = @reason, updated_at = @now
       WHERE key = @key AND status = 'queued'`,
    ),
    providerStatus: db.prepare(
      `UPDATE sms_texts SET provider_status = @providerStatus, status = @status,
         last_error = @error, updated_at = @now
       WHERE key = @key`,
    ),
    erase: db.prepare('DELETE FROM sms_texts WHERE substr(key, 1, length(@prefix)) = @prefix'),
  };
  const read = (row: unknown) => (row === undefined ? null : Row.parse(row));

  return {
    async enqueue(message) {
      const inserted = await inWriteTransaction(db, SERVICE, () =>
        statements.insert.run({ ...message, now: now() }),
      );
      const stored = inserted.changes > 0 ? null : read(statements.get.get(message.key));
      // Queued again after a failed add (or a crash between the two): the job id makes it harmless.
      if (stored === null || stored.status === 'queued') {
        await jobs.add(SMS_QUEUE, message.key, { key: message.key }, options.retry);
      }
    },
    async list(filter = {}) {
      return reaching(SERVICE, () =>
        statements.list
          .all({ status: filter.status ?? null, registrationId: filter.registrationId ?? null })
          .map((row) => Row.parse(row)),
      );
    },
    async get(key) {
      return reaching(SERVICE, () => read(statements.get.get(key)));
    },
    async noteAttempt(key, attempt, error) {
      await inWriteTransaction(db, SERVICE, () =>
        statements.attempt.run({ key, attempt, error, now: now() }),
      );
    },
    async markSent(key, providerId) {
      await inWriteTransaction(db, SERVICE, () =>
        statements.sent.run({ key, providerId, now: now() }),
      );
    },
    async markFailed(key, reason) {
      await inWriteTransaction(db, SERVICE, () =>
        statements.failed.run({ key, reason, now: now() }),
      );
    },
    async recordProviderStatus(key, providerStatus, error) {
      return inWriteTransaction(db, SERVICE, () => {
        const current = read(statements.get.get(key));
        if (!current || !isLaterStatus(current.providerStatus, providerStatus)) return false;
        const status = FINAL[providerStatus] ?? 'sent';
        statements.providerStatus.run({
          key,
          providerStatus,
          status,
          error: status === 'failed' ? (error ?? `provider status ${providerStatus}`) : null,
          now: now(),
        });
        return true;
      });
    },
    async latestFor(registrationId) {
      return reaching(SERVICE, () => read(statements.latest.get(registrationId)));
    },
    async erase(prefix) {
      if (prefix.length < 8) throw new Error('An erasure prefix names one registration');
      return inWriteTransaction(db, SERVICE, () => statements.erase.run({ prefix }).changes);
    },
  };
}
