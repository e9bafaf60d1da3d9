import { describe, expect, it } from 'vitest';
import { defaultClub } from '../../routines/club.ts';
import { createErasure } from '../../server/erasure.ts';
import { createRetention, RETENTION_QUEUE } from '../../server/retention.ts';
import { createSqliteJobs } from '../../tools/jobs/sqlite.ts';
import { createSqliteSnapshotStore } from '../../tools/snapshots/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import { createUploadStatusStore } from '../../tools/upload-status/upload-status.ts';
import { createSqliteKeyValueStore } from '../../tools/kv/sqlite.ts';
import { embeddedPorts } from '../support/harness.ts';
import { registrationFixture } from '../tools/registration-fixture.ts';

const DAY_MS = 24 * 3600_000;
const SAVED = '2025-08-01T10:00:00.000Z';

describe('retention of unfinished registrations', () => {
  it.each([
    ['an unpaid one within the retention', 'pending_payment', 29, 1],
    ['an unpaid one past the retention', 'pending_payment', 31, 0],
    ['an incomplete one past the retention', 'incomplete', 31, 0],
    ['a paid one, however old', 'active', 400, 1],
  ] as const)('keeps or purges %s', async (_case, status, days, left) => {
    const db = openDatabase(':memory:');
    const log = () => {};
    const ports = await embeddedPorts(db, defaultClub, log);
    const jobs = createSqliteJobs(db, { log });
    try {
      const erasure = createErasure({
        snapshots: createSqliteSnapshotStore(db),
        statuses: createUploadStatusStore(createSqliteKeyValueStore(db, 'upload-status')),
        ledger: ports.ledger,
        registrations: ports.registrations,
        photos: ports.photos,
        sms: ports.sms,
        jobs,
        log,
      });
      const now = new Date(Date.parse(SAVED) + days * DAY_MS);
      const retention = createRetention({
        jobs,
        registrations: ports.registrations,
        erasure,
        unfinishedRetentionMs: 30 * DAY_MS,
        log,
        now: () => now,
      });
      await ports.registrations.upsert(
        'reg-0123456789abcdef01234567',
        registrationFixture({ registration_status: status, initial_db_write_timestamp: SAVED }),
      );
      await retention.run();
      expect(await ports.registrations.list()).toHaveLength(left);
      // The sweep is a job on the queue: each run adds the next, delayed.
      expect((await jobs.counts(RETENTION_QUEUE)).delayed).toBe(1);
    } finally {
      await jobs.close();
      db.close();
    }
  });
});
