import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type BrowserSession } from '../support/browser';
import { startWebApp, type RunningApp } from '../support/web-app';

describe('the app shell in Chromium through the web host', () => {
  let app: RunningApp;
  let browser: BrowserSession;

  beforeAll(async () => {
    app = await startWebApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('renders the shell and reaches main through the contract', async () => {
    const { page } = browser;
    await page.goto(app.web.url);
    await expect.poll(() => page.title()).toBe('Bastionless');
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    // app.info went renderer → WebSocket → dispatch → core and back.
    await expect.poll(() => page.getByTestId('transport').textContent()).toBe('Web host');
    expect(await page.getByTestId('connection-state').textContent()).toBe('Connected');
    // The footer has a name of its own (the instance list's agent-status filter used to share "Status").
    expect(await page.getByRole('contentinfo', { name: 'App status' }).count()).toBe(1);
    expect(await page.getByLabel('Status', { exact: true }).count()).toBe(0);
    // The token is dropped from the address bar once the cookie holds it.
    expect(page.url()).not.toContain('token=');

    const echoed = await page.evaluate(async () => {
      const result = await window.bastionless!.call('app.echo', { text: 'héllo ✓' });
      return result.text;
    });
    expect(echoed).toBe('héllo ✓');

    const rejected = await page.evaluate(async () => {
      try {
        // Deliberately wrong: the schema in main must refuse it with a readable message.
        await window.bastionless!.call('app.echo', { text: 42 } as unknown as { text: string });
        return null;
      } catch (err) {
        const e = err as { code: string; message: string };
        return { code: e.code, message: e.message };
      }
    });
    expect(rejected?.code).toBe('invalid-argument');
    expect(rejected?.message).toMatch(/text/);
    await screenshot(page, 'app-shell-dark');
  });

  it('shows the tray model as the quick-connect popover, keyboard first', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Quick connect' }).click();
    const menu = page.getByRole('menu', { name: 'Quick connect' });
    await menu.waitFor();
    await expect.poll(() => menu.getByRole('menuitem').allTextContents()).toEqual(['Sign in…', 'Open Bastionless', 'Quit']);
    await screenshot(page, 'quick-connect');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
  });

  it('switches views from the keyboard and themes on demand', async () => {
    const { page } = browser;
    await page.keyboard.press('Control+5');
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await page.getByLabel('Light').check();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await screenshot(page, 'settings-light');
    await page.getByLabel('Dark').check();
  });
});
