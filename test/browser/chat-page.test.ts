import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/main.ts';
import { REGISTRATION_MESSAGES } from '../support/registration-script.ts';

const SCREENSHOT = join(import.meta.dirname, '../../test-results/chat-page.png');
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
/** A 1×1 JPEG: what the server sniffs is real JPEG magic, not a file name. */
const JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
);

let server: RunningServer;
let browser: Browser;
const ADMIN_TOKEN = 'browser-test-token';

beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'browser-'));
  server = await startServer(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_TOKEN,
      LOG_LEVEL: 'silent',
    }),
    { log: () => {} },
  );
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function say(page: Page, text: string) {
  const before = await page.getByTestId('msg-assistant').count();
  await page.getByTestId('message').fill(text);
  await page.getByTestId('send').click();
  await page.getByTestId('msg-assistant').nth(before).waitFor();
}

describe('the chat page at /', () => {
  it('registers a child in a browser, photo included', async () => {
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    await page.goto(server.url);
    for (const text of REGISTRATION_MESSAGES) await say(page, text);
    await expect
      .poll(() => page.getByTestId('msg-assistant').last().innerText())
      .toMatch(/passport-style photo/);

    const photoPath = join(await mkdtemp(join(tmpdir(), 'photo-')), 'leo.jpg');
    await writeFile(photoPath, JPEG);
    await page.getByTestId('photo').setInputFiles(photoPath);
    await page.getByText(/That's everything/).waitFor({ timeout: 15_000 });

    const transcript = await page.getByTestId('messages').innerText();
    expect(transcript).toContain("Sarah O'Brien");
    expect(transcript).not.toMatch(/<\/?[a-z]+>/);
    await mkdir(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    const registrations = await fetch(`${server.url}/admin/registrations`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const body = (await registrations.json()) as {
      registrations: { fields: Record<string, unknown> }[];
    };
    expect(body.registrations.map((registration) => registration.fields.id_image_link)).toEqual([
      expect.stringMatching(/^photos\/2526\/.+\.jpg$/),
    ]);
  }, 60_000);
});
