import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/main.ts';
import { REGISTRATION } from '../support/registration-script.ts';
import { launchChromium } from '../support/browser.ts';

const ADMIN_TOKEN = 'browser-payment-test-token';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

let server: RunningServer;
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'browser-pay-'));
  // The embedded default: no Redis, no GoCardless: the offline payment simulator.
  server = await startServer(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN }),
    { log: () => {}, now: () => new Date('2025-08-01T10:00:00Z') },
  );
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** The texts in the embedded outbox, read as a volunteer would. */
function outbox() {
  const db = new Database(join(dataDir, 'club.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT key, body FROM sms_texts').all() as { key: string; body: string }[];
  } finally {
    db.close();
  }
}

async function registerUntilPaymentLink() {
  let sessionId: string | undefined;
  for (const [text, routine] of REGISTRATION) {
    const response = await fetch(`${server.url}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_message: text, session_id: sessionId }),
    });
    const body = (await response.json()) as { session_id: string };
    sessionId = body.session_id;
    if (routine === 30) return;
  }
}

describe('the payment journey in the embedded mode (offline simulator)', () => {
  it('pays through the texted link and the simulator page, then says the link is already paid', async () => {
    await registerUntilPaymentLink();
    const [text] = outbox();
    const sent = /https?:\/\/\S+\/reg_setup\/([A-Za-z0-9_-]{32})/.exec(text?.body ?? '');
    expect(sent).not.toBeNull();
    // The texted link points at PUBLIC_BASE_URL; this server listens on a random port.
    const link = `${server.url}/reg_setup/${sent?.[1]}`;

    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    await page.goto(link);
    expect(page.url()).toMatch(/\/simulator\/pay\/BRFSIM[0-9A-F]{16}$/);
    await expect.poll(() => page.getByTestId('payer').innerText()).toBe("Sarah O'Brien");
    expect(await page.getByTestId('fee').innerText()).toContain('£45');
    expect(await page.getByTestId('monthly').innerText()).toContain('£27.50 a month');
    await page.getByRole('button', { name: 'Pay and set up the Direct Debit' }).click();
    await page.getByRole('heading', { name: 'Thank you' }).waitFor();

    const list = await fetch(`${server.url}/admin/registrations`, { headers: auth });
    const { registrations } = (await list.json()) as { registrations: { id: string }[] };
    const id = registrations[0]?.id ?? '';
    await expect
      .poll(
        async () => {
          const state = await fetch(`${server.url}/admin/registrations/${id}/payment`, {
            headers: auth,
          });
          return state.json();
        },
        { timeout: 10_000, interval: 100 },
      )
      .toMatchObject({
        registration_status: 'active',
        subscription_id: expect.stringMatching(/^SBSIM/),
        subscription_start_date: '2025-09-15',
      });
    await expect
      .poll(() => outbox().filter((sms) => sms.key === `${id}.payment-confirmation`).length)
      .toBe(1);
    const confirmation = outbox().find((sms) => sms.key === `${id}.payment-confirmation`);
    expect(confirmation?.body).toContain('£27.50 a month will be collected by Direct Debit');

    await page.goto(link);
    await page.getByRole('heading', { name: 'Already paid' }).waitFor();
    expect(await page.content()).not.toMatch(/"error"|at .*\.ts:/);

    const unknown = await page.goto(`${server.url}/reg_setup/${'x'.repeat(32)}`);
    expect(unknown?.status()).toBe(404);
    expect(await page.getByRole('heading').innerText()).toBe('This payment link is not valid');
    await page.close();
  });
});
