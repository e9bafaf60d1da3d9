import { describe, expect, it } from 'vitest';
import { createTexts } from '../../server/texts.ts';
import { createSqliteJobs } from '../../tools/jobs/sqlite.ts';
import { PermanentJobError } from '../../tools/jobs/port.ts';
import { createSqliteKeyValueStore } from '../../tools/kv/sqlite.ts';
import { createSqliteRegistrationStore } from '../../tools/registrations/sqlite.ts';
import { createSqliteSmsOutbox } from '../../tools/sms/outbox-sqlite.ts';
import type { SmsSender } from '../../tools/sms/port.ts';
import { SMS_QUEUE } from '../../tools/sms/sms.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';

const message = {
  key: 'reg-1.sendPaymentLink.0123456789abcdef',
  registrationId: 'reg-1',
  to: '+447700900123',
  body: 'Pay here: http://localhost:8000/reg_setup/BRQ1',
};

/** The sending job on an in-memory database, with a sender that counts (or fails) its sends. */
async function setUp(send: SmsSender['send']) {
  const db = openDatabase(':memory:');
  const outbox = createSqliteSmsOutbox(db, createSqliteJobs(db));
  let sends = 0;
  const texts = createTexts({
    outbox,
    sender: {
      send: (text, signal) => {
        sends += 1;
        return send(text, signal);
      },
    },
    ledger: createSqliteKeyValueStore(db, 'ledger'),
    registrations: createSqliteRegistrationStore(db),
    lock: (_, work) => work(),
    statusCallbackUrl: null,
    attempts: 3,
    log: () => {},
  });
  await outbox.enqueue(message);
  const job = (attempt: number) => ({
    id: message.key,
    queue: SMS_QUEUE,
    data: { key: message.key },
    attempt,
  });
  return { outbox, texts, job, sends: () => sends };
}

const accepted: SmsSender['send'] = async () => ({
  providerId: 'SM0123456789abcdef0123456789abcdef',
  status: 'queued',
});

describe('the text job', () => {
  it('never sends a text again once its provider id is recorded (a job run twice)', async () => {
    const { outbox, texts, job, sends } = await setUp(accepted);
    await texts.process(job(1));
    await texts.process(job(2));
    expect(sends()).toBe(1);
    expect(await outbox.get(message.key)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('rethrows an unreachable provider for the queue to retry, and fails the text on the last try', async () => {
    const { outbox, texts, job } = await setUp(async () => {
      throw new ToolUnavailableError('twilio');
    });
    await expect(texts.process(job(2))).rejects.toBeInstanceOf(ToolUnavailableError);
    expect(await outbox.get(message.key)).toMatchObject({
      status: 'queued',
      attempts: 2,
      lastError: 'provider unreachable',
    });
    await expect(texts.process(job(3))).rejects.toBeInstanceOf(PermanentJobError);
    expect(await outbox.get(message.key)).toMatchObject({
      status: 'failed',
      lastError: 'provider unreachable after 3 tries',
    });
  });
});
