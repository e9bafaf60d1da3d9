import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effects } from '../../machines/effects.ts';
import { startTestServer, type TestServer } from './support.ts';
import { CHROMIUM, launchChromium } from '../support/browser.ts';

/** What the page sees (the tests compile without the DOM library). */
type PageGlobals = {
  progressSeen: string[];
  MutationObserver: new (callback: () => void) => {
    observe(node: unknown, options: unknown): void;
  };
  document: {
    body: unknown;
    querySelectorAll(selector: string): Iterable<{ textContent: string | null }>;
  };
};

describe.runIf(CHROMIUM)('the built-in chat page with a streamed turn', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows what the turn is doing, then the reply in its place', async () => {
    const page = await browser.newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    await page.goto(server.url);
    await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      g.progressSeen = [];
      new g.MutationObserver(() => {
        for (const note of g.document.querySelectorAll('.msg.progress')) {
          const text = note.textContent ?? '';
          if (g.progressSeen.at(-1) !== text) g.progressSeen.push(text);
        }
      }).observe(g.document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.fill('#message', 'hi, my code is 200-Lions-U10-2526');
    await page.click('#send');
    await expect.poll(() => page.locator('.msg.assistant').count()).toBe(2);
    const seen = await page.evaluate(() => (globalThis as unknown as PageGlobals).progressSeen);
    expect(seen).toEqual(['Thinking…', 'Finding the team…']);
    expect(await page.locator('.msg.progress').count()).toBe(0);
    expect(await page.locator('.msg.assistant').last().textContent()).toContain('Lions U10');
    expect(failures).toEqual([]);
  });

  it('has a progress label for every effect, naming no one', async () => {
    const source = await (await fetch(`${server.url}/app.js`)).text();
    const labels = /const STEP_LABELS = \{([^}]*)\}/.exec(source)?.[1] ?? '';
    for (const effect of Object.keys(effects)) expect(labels).toMatch(new RegExp(`\\b${effect}:`));
    // Fixed words only: nothing in a label is filled in from the conversation.
    expect(labels).not.toMatch(/\$\{|\+/);
  });
});
