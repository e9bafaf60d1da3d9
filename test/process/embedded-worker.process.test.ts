import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { chatThrough, eventually } from '../support/http.ts';
import { killAll, startWeb, startWorker } from '../support/processes.ts';
import { freePort } from '../support/redis.ts';
import { registrationUpTo } from '../support/registration-script.ts';

afterAll(killAll);

/** The statuses of the texts in the embedded outbox. */
function textStatuses(dataDir: string): string[] {
  const db = new Database(join(dataDir, 'club.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT status FROM sms_texts').all() as { status: string }[]).map(
      (row) => row.status,
    );
  } finally {
    db.close();
  }
}

describe('a worker process beside a web process, on the embedded store (no Redis)', () => {
  it('stays up, sends the text the web process queued, and stops when told', async () => {
    const shared = {
      HOST: '127.0.0.1',
      DATA_DIR: await mkdtemp(join(tmpdir(), 'embedded-worker-')),
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
    };
    const web = await startWeb({ ...shared, RUN_WORKERS: 'false', PORT: String(await freePort()) });
    const worker = startWorker(shared);
    await chatThrough(web.base, registrationUpTo(30));
    // The payment link, queued by the web process, is sent by the worker alone.
    await eventually(async () => expect(textStatuses(shared.DATA_DIR)).toEqual(['sent']), 20_000);
    expect(worker.child.exitCode).toBeNull();
    const exited = new Promise<number | null>((resolve) =>
      worker.child.once('exit', (code) => resolve(code)),
    );
    worker.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
