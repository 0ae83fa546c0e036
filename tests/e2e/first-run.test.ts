import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type BrowserSession } from '../support/browser';
import { startDemo, stopDemo, type DemoProcess } from '../support/demo';
import { startWebApp } from '../support/web-app';

/**
 * The first minutes as the README promises them: `npm run demo` (here its web half, as the demo
 * script runs it when Electron is missing) lands on the instance list with nobody approving
 * anything, and what the user chooses survives a restart of the web host on another port.
 */

describe('the demo lands on the instance list', () => {
  let demo: DemoProcess;
  let browser: BrowserSession;

  beforeAll(async () => {
    demo = await startDemo();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    if (demo) await stopDemo(demo);
  });

  it('shows the demo fleet without a sign-in click, with the source signed in', async () => {
    const { page } = browser;
    await page.goto(demo.url);
    await page.getByRole('treegrid', { name: 'Instances' }).waitFor();
    // 12 running instances are visible in the demo fleet (one region answers AccessDenied).
    await expect.poll(() => page.getByTestId('instance-row').count(), { timeout: 30_000 }).toBe(12);
    expect(await page.getByText('Sign in to see your instances').count()).toBe(0);
    await screenshot(page, 'first-run-demo');
  });

  it('answers a URL without its token with the command the user ran', async () => {
    const origin = new URL(demo.url).origin;
    const res = await fetch(`${origin}/`);
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toContain('`npm run demo` printed');
    expect(text).not.toContain('npm run web');
  });

  it('answers malformed percent-encoding with 400 and never serves source maps', async () => {
    const { page } = browser;
    const origin = new URL(demo.url).origin;
    // The page's cookie carries the token: these requests are authenticated.
    const status = (path: string) => page.evaluate(async (p) => (await fetch(p)).status, path);
    expect(await status(`${origin}/assets/%E0%A4%A`)).toBe(400);
    expect(await status(`${origin}/assets/index.js.map`)).toBe(404);
    expect(await status(`${origin}/`)).toBe(200);
  });
});

describe('preferences live in the data folder', () => {
  it('keeps the theme across a restart on another port and a fresh browser profile', async () => {
    const first = await startWebApp();
    const firstPort = new URL(first.web.url).port;
    const one = await launchBrowser({ colorScheme: 'dark' });
    try {
      await one.page.goto(first.web.url);
      await one.page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
      await one.page.getByRole('radio', { name: 'Light' }).check();
      await expect.poll(() => one.page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
      await expect.poll(async () => (await first.host.core.preferences.reload()).preferences.theme).toBe('light');
    } finally {
      await one.close();
      await first.close();
    }

    const second = await startWebApp();
    expect(new URL(second.web.url).port).not.toBe(firstPort);
    const two = await launchBrowser({ colorScheme: 'dark' });
    try {
      await two.page.goto(second.web.url);
      // A new origin and a new profile: nothing in localStorage, the theme comes from preferences.json.
      await expect.poll(() => two.page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
      await two.page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
      expect(await two.page.getByRole('radio', { name: 'Light' }).isChecked()).toBe(true);
    } finally {
      await two.close();
      await second.close();
    }
  });
});
