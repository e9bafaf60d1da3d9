import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRATION } from '../support/registration-script.ts';
import { ADMIN_TOKEN, PERSONAL_DATA, startTestServer, type TestServer } from '../server/support.ts';
import { launchChromium } from '../support/browser.ts';

/** How many of REGISTRATION's messages each scripted parent sends before stopping, and their child. */
const PARENTS = [
  { messages: 1, child: 'zorba' },
  { messages: 1, child: 'quentin' },
  { messages: 4, child: 'ximena' },
  { messages: 9, child: 'wilbur' },
  { messages: 14, child: 'yusuf' },
];

let server: TestServer;
let browser: Browser;
/** The routine number each scripted parent stopped at. */
const stoppedAt: number[] = [];

beforeAll(async () => {
  server = await startTestServer();
  for (const parent of PARENTS) {
    let sessionId: string | undefined;
    let routine = 0;
    for (const [text] of REGISTRATION.slice(0, parent.messages)) {
      const message = text === 'leo o’brien' ? `${parent.child} o’brien` : text;
      const { body } = await server.post('/chat', { user_message: message, session_id: sessionId });
      sessionId = String(body.session_id);
      routine = Number(body.routine_number);
    }
    stoppedAt.push(routine);
  }
  // One parent who only says hello rests with the generic agent.
  await server.post('/chat', { user_message: 'hello' });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the flow page', () => {
  it('is refused without the admin token', async () => {
    const response = await fetch(`${server.url}/admin/flow`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('shows how many sessions rest at each routine, and no personal data', async () => {
    const context = await browser.newContext({
      httpCredentials: { username: 'admin', password: ADMIN_TOKEN },
    });
    // Offline: any request leaving 127.0.0.1 fails the test.
    const outside: string[] = [];
    await context.route(/^(?!http:\/\/127\.0\.0\.1)/, (route) => {
      outside.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    const response = await page.goto(`${server.url}/admin/flow`);
    expect(response?.status()).toBe(200);

    const boxes = await page.locator('.state').evaluateAll((nodes) =>
      nodes.map((node) => ({
        state: node.getAttribute('data-state') ?? '',
        now: Number(node.getAttribute('data-now')),
        name: node.querySelector('.name')?.textContent ?? '',
      })),
    );
    const shownAt = (number: number) =>
      boxes
        .filter((box) => box.name.startsWith(`${number}. `))
        .reduce((sum, box) => sum + box.now, 0);
    const expected = new Map<number, number>();
    for (const routine of stoppedAt) expected.set(routine, (expected.get(routine) ?? 0) + 1);
    expect(expected.size).toBeGreaterThanOrEqual(3);
    for (const [routine, count] of expected) expect(shownAt(routine)).toBe(count);
    expect(boxes.find((box) => box.state === 'generic')?.now).toBe(1);
    expect(boxes.reduce((sum, box) => sum + box.now, 0)).toBe(PARENTS.length + 1);
    expect(await page.locator('#sessions').textContent()).toBe(String(PARENTS.length + 1));

    // The funnel: the parents who reached routine 4 passed routine 2 on the way.
    const reachedChildName = await page
      .locator('tr[data-state="newRegistration.childName"] td:nth-child(3)')
      .textContent();
    expect(Number(reachedChildName)).toBe(PARENTS.filter((parent) => parent.messages >= 2).length);

    const text = (await page.content()).toLowerCase();
    const personal = [...PERSONAL_DATA, ...PARENTS.map((parent) => parent.child), 'lions'];
    for (const value of personal) expect(text).not.toContain(value.toLowerCase());
    expect(outside).toEqual([]);
    await context.close();
  });
});
