import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FIXTURE } from '../../emulator/demo';
import { loadFixtureFile, parseFixture, startEmulator, type RunningEmulator } from '../../emulator/index';
import { launchBrowser, screenshot, type BrowserSession } from '../support/browser';
import { useEmulatorEnv } from '../support/emulator-app-env';
import { signInAndScan } from '../support/signed-in-core';
import { startWebApp, type RunningApp } from '../support/web-app';
import { instanceTunnel } from '../support/tunnel-profile';

/**
 * Countdowns in Chromium through the web host: a shell tab on an account whose Session Manager
 * preferences allow 3-minute sessions warns at once (badge, status line, notification); a legacy
 * SSO sign-in (no refresh token) whose token lives 8 minutes warns 10 minutes ahead and offers
 * "Sign in again", which renews it without closing the tab. Settings explains the keepalive.
 * Needs a D-Bus session with an unlocked keyring, as CI provides.
 */

const STAGING = '123456789012';
/** The legacy form: an SSO profile with its own start URL registers without scopes, so no refresh token. */
const SOURCE = 'legacy';

describe('countdowns in Chromium', () => {
  let emulator: RunningEmulator;
  let app: RunningApp;
  let browser: BrowserSession;
  let restoreEnv: (() => void) | undefined;

  beforeAll(async () => {
    if (!process.env.DBUS_SESSION_BUS_ADDRESS) throw new Error("No D-Bus session: run under dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets --daemonize; npx vitest run --project e2e tests/e2e/countdowns.test.ts'");
    const demo = loadFixtureFile(DEMO_FIXTURE);
    emulator = await startEmulator({
      fixture: parseFixture({
        ...demo,
        sessionPreferences: { ...demo.sessionPreferences, [`${STAGING}/eu-west-1`]: { idleSessionTimeout: 20, maxSessionDuration: 3 } },
        // The short TTL fault: the sign-in's token lasts 8 minutes.
        faults: { ...demo.faults, ssoTokenTtlSeconds: 480 },
      }),
      autoApprove: true,
    });
    const env = useEmulatorEnv(emulator);
    restoreEnv = env.restore;
    const fixture = emulator.fixture();
    writeFileSync(
      join(env.home, 'aws-config'),
      [`[profile ${SOURCE}]`, `sso_start_url = ${fixture.sso.startUrl}`, `sso_region = ${fixture.sso.region}`, `sso_account_id = ${STAGING}`, 'sso_role_name = AdministratorAccess', 'region = eu-west-1', ''].join('\n'),
    );
    app = await startWebApp({ emulator: true });
    await app.host.core.preferences.update({ countdown: { warnMinutes: 10, keepalive: false } });
    await signInAndScan(app.host.core, SOURCE);
    browser = await launchBrowser({ colorScheme: 'dark' });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await emulator?.stop();
    restoreEnv?.();
  });

  const openTab = async (name: string) => {
    const key = app.host.core.inventory.list().find((i) => i.name === name)!.key;
    const before = app.host.core.shells.list().length;
    await browser.page.evaluate((k) => window.bastionlessTerminals!.open(k), key);
    await expect.poll(() => app.host.core.shells.list().length).toBe(before + 1);
    return app.host.core.shells.list()[before]!.tabId;
  };

  it('a tab on an account with 3-minute sessions shows when it closes, with a badge and a notification', async () => {
    const { page } = browser;
    await page.goto(app.web.url);
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    await openTab('staging-web-1');
    const status = page.getByTestId('terminal-status').getByTestId('countdown');
    await expect.poll(() => status.getAttribute('data-cause')).toBe('max-duration');
    expect(await status.textContent()).toMatch(/^Closes in [1-3] min: maximum session duration$/);
    const badge = page.getByRole('tab', { selected: true }).getByTestId('countdown-badge');
    expect(await badge.textContent()).toMatch(/^[1-3] min$/);
    expect(await badge.getAttribute('aria-label')).toMatch(/^Closes in [1-3] min: maximum session duration$/);
    const notice = page.getByTestId('countdown-notice').filter({ hasText: 'staging-web-1' });
    expect(await notice.textContent()).toMatch(/Closes in [1-3] min: maximum session duration/);
    // Nothing to sign in to for a duration limit: AWS enforces it.
    expect(await notice.getByRole('button', { name: 'Sign in again' }).count()).toBe(0);
    await screenshot(page, 'countdown-tab-dark');
    await page.setViewportSize({ width: 900, height: 600 });
    await screenshot(page, 'countdown-tab-900x600-dark');
    await page.setViewportSize({ width: 1280, height: 800 });
    await notice.getByRole('button', { name: 'Dismiss the warning for staging-web-1' }).click();
    await expect.poll(() => notice.count()).toBe(0);
  });

  it('the quick-connect menu (the tray model) lists the tab under "Ending soon", and its entry shows the tab', async () => {
    const { page } = browser;
    const views = page.getByRole('navigation', { name: 'Views' });
    // A second tab on the same instance, selected as it opens: the entry must select the first one again.
    const first = app.host.core.shells.list()[0]!.tabId;
    const other = await openTab('staging-web-1');
    await expect.poll(() => page.locator(`[data-tab-id="${other}"] [role=tab]`).getAttribute('aria-selected')).toBe('true');
    await views.getByRole('button', { name: 'Tunnels' }).click();
    await page.getByRole('button', { name: 'Quick connect' }).click();
    const menu = page.getByRole('menu', { name: 'Quick connect' });
    await menu.getByText('Ending soon', { exact: true }).waitFor();
    const entry = menu.locator(`[data-item-id="tab.show:${first}"]`);
    // The clock time, as a native menu is not redrawn every minute: "Closes at 12:04 PM: …".
    expect(await entry.textContent()).toMatch(/^staging-web-1Closes at \d{1,2}:\d{2}( [AP]M)?: maximum session duration$/);
    await expect.poll(() => app.host.core.appState.get().endingSoon.map((e) => `${e.id} ${e.cut.cause}`).sort()).toEqual([`${first} max-duration`, `${other} max-duration`].sort());
    await screenshot(page, 'countdown-quick-connect-dark');
    await entry.click();
    await expect.poll(() => views.getByRole('button', { name: 'Terminals' }).getAttribute('aria-current')).toBe('page');
    await expect.poll(() => page.locator(`[data-tab-id="${first}"] [role=tab]`).getAttribute('aria-selected')).toBe('true');
    await page.locator(`[data-tab-id="${other}"] [role=tab]`).focus();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByRole('tab', { includeHidden: true }).count()).toBe(1);
  });

  it('a sign-in that cannot refresh warns ahead of its expiry, and "Sign in again" renews it without closing the tab', async () => {
    const { page } = browser;
    const tabId = await openTab('sandbox-dev-box');
    const status = page.getByTestId('terminal-status').getByTestId('countdown');
    await expect.poll(() => status.getAttribute('data-cause')).toBe('sign-in');
    // A countdown needs a live session: the tab has one now.
    const sessionBefore = app.host.core.shells.get(tabId).currentSessionId;
    expect(sessionBefore).toMatch(/^demo-/);
    expect(await status.textContent()).toMatch(/^Sign-in ends in [1-8] min: reconnecting will need a new sign-in/);
    const notice = page.getByTestId('countdown-notice').filter({ hasText: 'sandbox-dev-box' });
    expect(await notice.textContent()).toMatch(/Sign-in ends in [1-8] min: reconnecting will need a new sign-in/);
    // A tab in the background tells its countdown on hover.
    expect(await page.getByRole('tab', { selected: false }).getAttribute('title')).toMatch(/staging-web-1.*\nCloses in [1-3] min: maximum session duration$/s);
    await screenshot(page, 'countdown-sign-in-dark');
    await page.setViewportSize({ width: 900, height: 600 });
    await screenshot(page, 'countdown-sign-in-900x600-dark');
    await page.setViewportSize({ width: 1280, height: 800 });

    // The next token lasts the usual 8 hours.
    emulator.control.setFaults({ ssoTokenTtlSeconds: null });
    await notice.getByRole('button', { name: 'Sign in again' }).click();
    await expect.poll(() => notice.count()).toBe(0);
    await expect.poll(() => status.getAttribute('data-cause')).toBe('idle');
    expect(await status.textContent()).toMatch(/^Closes in (19|20) min: idle timeout$/);
    // Nothing was closed: the same tab, on the same session, still connected.
    const tab = app.host.core.shells.list().find((t) => t.tabId === tabId)!;
    expect(tab.status.state).toBe('connected');
    expect(app.host.core.shells.get(tabId).currentSessionId).toBe(sessionBefore);
    expect(app.host.core.shells.list()).toHaveLength(2);
  });

  it('a tunnel row says when its session closes', async () => {
    const { page } = browser;
    const instance = app.host.core.inventory.list().find((i) => i.name === 'staging-web-1')!;
    const profile = await app.host.core.tunnels.saveProfile(instanceTunnel(instance, 'staging web', 80, { poolSize: 1 }));
    await app.host.core.tunnels.start(profile.id);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Tunnels' }).click();
    const row = page.locator(`[data-profile-id="${profile.id}"]`).getByTestId('countdown');
    await expect.poll(() => row.getAttribute('data-cause')).toBe('max-duration');
    expect(await row.textContent()).toMatch(/^Session closes in [1-3] min: maximum session duration$/);
    await screenshot(page, 'countdown-tunnel-dark');
  });

  it('Settings explains the keepalive, and turning it on drops the idle cut but not the duration', async () => {
    const { page } = browser;
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
    const group = page.getByRole('group', { name: 'Countdowns' });
    expect(await group.textContent()).toContain('no program on the instance receives a byte');
    expect(await group.textContent()).toContain('It cannot extend the maximum session duration');
    const warn = group.getByLabel('Warn before a cut (minutes)');
    expect(await warn.inputValue()).toBe('10');
    await warn.fill('0');
    await expect.poll(() => warn.getAttribute('aria-invalid')).toBe('true');
    await warn.fill('10');
    await expect.poll(() => warn.getAttribute('aria-invalid')).toBe('false');
    await group.getByLabel('Keep idle shells and tunnels open').check();
    await expect.poll(async () => app.host.core.preferences.current().preferences.countdown.keepalive).toBe(true);
    await expect.poll(() => app.host.core.countdowns.list().items.every((i) => i.keepalive && !i.cuts.some((c) => c.cause === 'idle'))).toBe(true);
    expect(app.host.core.countdowns.list().items.filter((i) => i.cuts.some((c) => c.cause === 'max-duration')).length).toBeGreaterThan(0);
    await group.scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-countdowns-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    await page.setViewportSize({ width: 900, height: 600 });
    await screenshot(page, 'settings-countdowns-900x600-light');
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Terminals' }).click();
    await page.setViewportSize({ width: 1280, height: 800 });
    await screenshot(page, 'countdown-tab-light');
  });
});
