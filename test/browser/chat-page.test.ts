import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/main.ts';
import { iphoneHeic, phoneJpeg } from '../fixtures/photos/make.ts';
import { REGISTRATION_MESSAGES } from '../support/registration-script.ts';
import { launchChromium } from '../support/browser.ts';

const SCREENSHOT = join(import.meta.dirname, '../../test-results/chat-page.png');
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
  browser = await launchChromium();
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
  it('registers a child in a browser, an iPhone HEIC photo included, up to routine 35', async () => {
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    await page.goto(server.url);
    for (const text of REGISTRATION_MESSAGES) await say(page, text);
    await expect
      .poll(() => page.getByTestId('msg-assistant').last().innerText())
      .toMatch(/passport-style photo/);

    // An HEVC HEIC from heif-enc, turned a quarter by irot, as an iPhone sends it.
    const photoPath = join(await mkdtemp(join(tmpdir(), 'photo-')), 'IMG_0001.HEIC');
    await writeFile(photoPath, await iphoneHeic(640, 480));
    await page.getByTestId('photo').setInputFiles(photoPath);
    // The page shows the processing message, then polls until the photo is stored.
    await page.getByText(/Processing/).waitFor({ timeout: 10_000 });
    await page.getByText(/That's everything/).waitFor({ timeout: 30_000 });
    const routine = await page.evaluate(() =>
      (
        globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }
      ).sessionStorage.getItem('routine_number'),
    );
    expect(JSON.parse(routine ?? 'null')).toBe(35);

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
      expect.stringMatching(/^photos\/players\/[0-9a-f]{32}\.jpg$/),
    ]);
  }, 60_000);

  it('restores the conversation after a reload mid-registration, then finishes it', async () => {
    // Another child of the same family, with another shirt number.
    const messages = REGISTRATION_MESSAGES.map((text) =>
      text === 'leo o’brien' ? 'max o’brien' : text === 'number 7' ? 'number 8' : text,
    );
    const half = 10;
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    await page.goto(server.url);
    for (const text of messages.slice(0, half)) await say(page, text);
    const before = await page.getByTestId('messages').innerText();
    const lastReply = await page.getByTestId('msg-assistant').last().innerText();

    await page.reload();
    await expect.poll(() => page.getByTestId('msg-parent').count()).toBe(half);
    await expect.poll(() => page.getByTestId('msg-assistant').last().innerText()).toBe(lastReply);
    // The same conversation as before, greeting included, in the same order.
    expect(await page.getByTestId('messages').innerText()).toBe(before);
    await expect.poll(() => page.getByTestId('message').isDisabled()).toBe(false);

    for (const text of messages.slice(half)) await say(page, text);
    const photoPath = join(await mkdtemp(join(tmpdir(), 'photo-')), 'IMG_0002.jpg');
    await writeFile(photoPath, await phoneJpeg(640, 480));
    await page.getByTestId('photo').setInputFiles(photoPath);
    await page.getByText(/That's everything/).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('messages').innerText()).toContain('Max');
  }, 60_000);
});
