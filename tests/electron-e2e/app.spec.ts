import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BastionlessApi } from '../../preload/contract';

/**
 * The real app under Electron, driven by Playwright. Needs the Electron binary and a display, so
 * it runs only on networked CI (.github/workflows/release.yml, job electron-e2e, under xvfb-run),
 * never on the build machines. The default target is the unfused Electron from node_modules with
 * the electron-vite build (out/); BASTIONLESS_E2E_EXECUTABLE points it at a packaged build
 * instead, which must keep the EnableNodeCliInspectArguments fuse on (Playwright needs --inspect).
 */

declare global {
  interface Window {
    bastionless?: BastionlessApi;
  }
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
let app: ElectronApplication;
let page: Page;
let userData: string;

beforeAll(async () => {
  userData = await mkdtemp(join(tmpdir(), 'bastionless-e2e-'));
  const packaged = process.env['BASTIONLESS_E2E_EXECUTABLE'];
  // electron's main export is the binary's path (downloaded on first use, or by `npx install-electron`).
  const executablePath = packaged ?? (createRequire(import.meta.url)('electron') as string);
  app = await electron.launch({
    executablePath,
    args: [...(packaged ? [] : [repoRoot]), `--user-data-dir=${userData}`],
    timeout: 60_000,
  });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

afterAll(async () => {
  await app?.close();
  if (userData) await rm(userData, { recursive: true, force: true });
});

describe('Bastionless under Electron', () => {
  it('opens its window from app://bastionless with the title Bastionless', async () => {
    expect(page.url()).toBe('app://bastionless/index.html');
    expect(await page.title()).toBe('Bastionless');
    const title = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.getTitle()));
    expect(title).toEqual(['Bastionless']);
  });

  it('exposes exactly window.bastionless and no Node to the page', async () => {
    const shape = await page.evaluate(() => ({
      keys: Object.keys(window.bastionless ?? {}).sort(),
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
    }));
    expect(shape).toEqual({ keys: ['call', 'on', 'openStream'], require: 'undefined', process: 'undefined' });
  });

  it('round-trips app.info and app.echo over Electron IPC', async () => {
    const info = await page.evaluate(() => window.bastionless?.call('app.info', undefined));
    expect(info).toMatchObject({ name: 'Bastionless', transport: 'electron' });
    const echo = await page.evaluate(() => window.bastionless?.call('app.echo', { text: 'héllo ⚡' }));
    expect(echo?.text).toBe('héllo ⚡');
    const failure = await page.evaluate(() =>
      window.bastionless?.call('app.echo', { text: 42 } as unknown as { text: string }).then(
        () => null,
        (err: { code?: string }) => err.code ?? 'no code',
      ),
    );
    expect(failure).toBe('invalid-argument');
  });

  it('serves the renderer with the strict CSP and refuses navigation away', async () => {
    const csp = await page.evaluate(async () => (await fetch('/index.html')).headers.get('content-security-policy'));
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    await page.evaluate(() => {
      location.href = 'https://example.com/';
    });
    // A round trip through main after the attempt: the navigation was decided before it.
    await page.evaluate(() => window.bastionless?.call('app.echo', { text: 'still here' }));
    expect(page.url()).toBe('app://bastionless/index.html');
  });

  it('keeps running in the tray when the window is closed', async () => {
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close());
    const windows = await app.evaluate(({ BrowserWindow }) =>
      BrowserWindow.getAllWindows().map((w) => ({ visible: w.isVisible(), destroyed: w.isDestroyed() })),
    );
    expect(windows).toEqual([{ visible: false, destroyed: false }]);
    expect(app.process().exitCode).toBeNull();
    expect(await app.evaluate(({ app: electronApp }) => electronApp.isReady())).toBe(true);
  });
});
