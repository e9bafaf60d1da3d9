import { ownerOf, sessionsKey } from '../machines/effects.ts';
import { registrationIdOf, type RegistrationIdentity } from '../routines/identity.ts';
import { keyOf, type RegistrationKey } from '../tools/airtable/records-port.ts';
import type { Jobs } from '../tools/jobs/port.ts';
import type { KeyValueStore } from '../tools/kv/port.ts';
import type { PhotoStore } from '../tools/photos/photos.ts';
import type { RegistrationStore } from '../tools/registrations/registrations.ts';
import type { SmsOutbox } from '../tools/sms/sms.ts';
import type { SnapshotStore } from '../tools/snapshots/port.ts';
import type { UploadStatusStore } from '../tools/upload-status/upload-status.ts';
import type { Log } from './log.ts';
import { PHOTO_QUEUE } from './photo-uploads.ts';

/** What one erasure removed, store by store (all zero: nothing of the family was left). */
export type ErasureReport = {
  registrationId: string;
  sessions: number;
  uploadStatuses: number;
  record: number;
  /** The club's copy of the record (Airtable): deleted, or queued to be while it is down. */
  clubRecord: number;
  /** What the offline payment simulator held (its page holds the parent's details). */
  payments: number;
  photos: number;
  stagedPhotos: number;
  sms: number;
  ledger: number;
  jobs: number;
};

export type ErasureDeps = {
  snapshots: SnapshotStore;
  statuses: UploadStatusStore;
  ledger: KeyValueStore;
  registrations: RegistrationStore;
  photos: PhotoStore;
  sms: SmsOutbox;
  jobs: Jobs;
  log: Log;
  /** The club's table when it is not the local store (Airtable); null in embedded mode. */
  clubTable?: {
    erase(registrationId: string, key: RegistrationKey): Promise<'deleted' | 'absent' | 'queued'>;
  } | null;
  /** The offline payment simulator when GoCardless is not configured. */
  paymentsSimulator?: { forget(registrationId: string): Promise<number> } | null;
};

/** Erases one family's data (one child's registration) from every store. */
export type Erasure = {
  erase(registrationId: string): Promise<ErasureReport>;
};

/** The registration id of a child, from what an admin knows: season, full name, date of birth. */
export const registrationIdFor = (identity: RegistrationIdentity) => registrationIdOf(identity);

const text = (value: unknown) => (typeof value === 'string' ? value : null);

/** The uploads a stored session snapshot names (the one waiting and the last taken). */
function uploadsIn(snapshot: unknown): string[] {
  const context =
    typeof snapshot === 'object' && snapshot !== null && 'context' in snapshot
      ? (snapshot.context as Record<string, unknown>)
      : {};
  const upload = context.upload as Record<string, unknown> | null | undefined;
  return [text(upload?.id), text(context.lastUploadId)].filter((id) => id !== null);
}

const count = (done: boolean) => (done ? 1 : 0);

export function createErasure(deps: ErasureDeps): Erasure {
  const { snapshots, statuses, ledger, registrations, photos, sms, jobs, log } = deps;
  const { clubTable = null, paymentsSimulator = null } = deps;

  /** One session: its snapshot (under its lock), its upload status, its staged photos and jobs. */
  async function eraseSession(sessionId: string, report: ErasureReport) {
    const key = { machine: 'session', id: sessionId };
    const held = await snapshots.acquire(key);
    let uploads: string[] = [];
    try {
      if (held.stored) {
        uploads = uploadsIn(held.stored.snapshot);
        await snapshots.delete(key);
        report.sessions += 1;
      }
    } finally {
      await held.release();
    }
    const status = await statuses.get(sessionId);
    if (status) {
      if (status.uploadId) uploads.push(status.uploadId);
      await statuses.delete(sessionId);
      report.uploadStatuses += 1;
    }
    for (const uploadId of new Set(uploads)) {
      report.jobs += count(await jobs.remove(PHOTO_QUEUE, `photo.${uploadId}`));
      if (await photos.readStaged(uploadId)) {
        await photos.discard(uploadId);
        report.stagedPhotos += 1;
      }
    }
    const handoff = `handoff.${ownerOf(sessionId)}`;
    if ((await ledger.get(handoff)) !== undefined) {
      await ledger.delete(handoff);
      report.ledger += 1;
    }
  }

  async function dropFromLedger(key: string, report: ErasureReport) {
    if ((await ledger.get(key)) === undefined) return;
    await ledger.delete(key);
    report.ledger += 1;
  }

  return {
    async erase(registrationId) {
      const report: ErasureReport = {
        registrationId,
        sessions: 0,
        uploadStatuses: 0,
        record: 0,
        clubRecord: 0,
        payments: 0,
        photos: 0,
        stagedPhotos: 0,
        sms: 0,
        ledger: 0,
        jobs: 0,
      };
      const listed = await ledger.get(sessionsKey(registrationId));
      const sessionIds = Array.isArray(listed) ? listed.filter((id) => typeof id === 'string') : [];
      for (const sessionId of sessionIds) await eraseSession(sessionId, report);

      const record = await registrations.get(registrationId);
      const link = record?.fields.id_image_link;
      const season = record?.fields.season;
      const photoKeys = new Set<string>();
      if (link?.startsWith('photos/')) photoKeys.add(link.slice('photos/'.length));
      if (season) photoKeys.add(`${season}/${registrationId}.jpg`);
      for (const key of photoKeys) report.photos += count(await photos.remove(key));
      report.record = count(await registrations.delete(registrationId));
      if (record && clubTable) {
        const outcome = await clubTable.erase(registrationId, keyOf(record.fields));
        report.clubRecord = count(outcome !== 'absent');
      }
      if (paymentsSimulator) report.payments = await paymentsSimulator.forget(registrationId);
      report.sms = await sms.erase(`${registrationId}.`);
      await dropFromLedger(`claim.${registrationId}`, report);
      await dropFromLedger(sessionsKey(registrationId), report);

      log('admin.erased', report);
      return report;
    },
  };
}
