import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGES, registerUntilPhoto, startTestServer, type TestServer } from './support.ts';
import { CHROMIUM, launchChromium } from '../support/browser.ts';

/** sessionStorage as the page sees it (the tests compile without the DOM library). */
type BrowserGlobals = {
  sessionStorage: {
    getItem(key: string): string | null;
    setItem(key: string, value: string): void;
  };
};

describe.runIf(CHROMIUM)('the built-in chat page in a browser', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function openPage() {
    page = await browser.newPage({ viewport: { width: 390, height: 800 } });
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    await page.goto(server.url);
    await expect.poll(() => page.locator('.msg.assistant').count()).toBe(1);
    return failures;
  }

  const stored = (key: string) =>
    page.evaluate(
      (name) => (globalThis as unknown as BrowserGlobals).sessionStorage.getItem(name),
      key,
    );

  it('sends a code and renders the reply as safe markdown', async () => {
    const failures = await openPage();
    await page.fill('#message', 'hi, my code is 200-Lions-U10-2526');
    await page.click('#send');
    await expect.poll(() => page.locator('.msg.assistant').count()).toBe(2);

    const reply = page.locator('.msg.assistant').last();
    expect(await reply.locator('strong').first().textContent()).toBe('Lions U10');
    expect(await reply.locator('ol li').count()).toBe(3);
    expect(JSON.parse((await stored('routine_number')) ?? 'null')).toBe(1);
    expect(JSON.parse((await stored('session_id')) ?? '""')).toMatch(/^session-/);
    expect(failures).toEqual([]);
  });

  it('shows what the parent typed as text, never as HTML', async () => {
    await page.fill('#message', '<img src=x onerror="document.title=\'owned\'">');
    await page.click('#send');
    await expect.poll(() => page.locator('.msg.assistant').count()).toBe(3);
    expect(await page.locator('.msg.parent img').count()).toBe(0);
    expect(await page.locator('.msg.parent').last().textContent()).toContain('<img');
    expect(await page.title()).not.toBe('owned');
  });

  it('uploads a photo with 📎 and polls until the registration is complete', async () => {
    const sessionId = await registerUntilPhoto(server, 11);
    const failures = await openPage();
    await page.evaluate((id) => {
      const { sessionStorage } = globalThis as unknown as BrowserGlobals;
      sessionStorage.setItem('session_id', JSON.stringify(id));
      sessionStorage.setItem('routine_number', '34');
    }, sessionId);
    await page.setInputFiles('#photo', {
      name: 'leo.png',
      mimeType: 'image/png',
      buffer: IMAGES.png,
    });
    await expect
      .poll(() => page.locator('.msg.assistant').last().textContent(), { timeout: 10_000 })
      .toMatch(/registration is complete/);
    expect(JSON.parse((await stored('routine_number')) ?? 'null')).toBe(35);
    expect(failures).toEqual([]);
  });
});
