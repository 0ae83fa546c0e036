import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FIXTURE } from '../../emulator/demo';
import { loadFixtureFile, startEmulator, type RunningEmulator } from '../../emulator/index';
import { launchBrowser, screenshot, type BrowserSession } from '../support/browser';
import { useEmulatorEnv } from '../support/emulator-app-env';
import { startWebApp, type RunningApp } from '../support/web-app';

/**
 * The app on a machine without a keychain (no D-Bus session bus: SSH, a container, WSL), with its
 * production secret store: the sign-in says so at once, offers the 0600 key file, and then works.
 */
describe('sign-in without an OS keychain, in Chromium', () => {
  let emulator: RunningEmulator;
  let app: RunningApp;
  let browser: BrowserSession;
  let env: ReturnType<typeof useEmulatorEnv>;

  beforeAll(async () => {
    emulator = await startEmulator({ fixture: loadFixtureFile(DEMO_FIXTURE), autoApprove: true });
    env = useEmulatorEnv(emulator, { unset: ['DBUS_SESSION_BUS_ADDRESS'] });
    app = await startWebApp({ emulator: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await emulator?.stop();
    env?.restore();
  });

  it('says there is no keychain before any code, and signs in with the key file on one click', async () => {
    const { page } = browser;
    await page.goto(app.web.url);
    const source = page.getByTestId('source-bastionless-emulator');
    await source.getByRole('button', { name: 'Sign in' }).click();
    const alert = source.getByRole('alert');
    await expect.poll(() => alert.getAttribute('data-code')).toBe('keychain-unavailable');
    expect(await alert.textContent()).toContain('No OS keychain here: there is no D-Bus session');
    expect(await page.getByTestId('user-code').count()).toBe(0);
    expect(emulator.control.calls().filter((c) => c.api === 'StartDeviceAuthorization')).toHaveLength(0);
    await screenshot(page, 'no-keychain-sign-in');
    await page.setViewportSize({ width: 900, height: 600 });
    await screenshot(page, 'no-keychain-sign-in-small');
    await page.setViewportSize({ width: 1280, height: 800 });

    await source.getByRole('button', { name: 'Keep the key in a file and sign in' }).click();
    // The emulator approves the code itself: the fleet replaces the sign-in screen.
    await page.getByRole('treegrid', { name: 'Instances' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('instance-row').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const keyFile = join(env.home, 'data', 'keys.json');
    expect(existsSync(keyFile)).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it('shows and keeps the choice in Settings, with what it means', async () => {
    const { page } = browser;
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
    const file = page.getByRole('radio', { name: 'A file in the data folder, readable only by you' });
    await expect.poll(() => file.isChecked()).toBe(true);
    expect(await page.getByTestId('keychain-where').textContent()).toContain(join(env.home, 'data', 'keys.json'));
    expect(await page.getByText('as with the AWS CLI’s ~/.aws/sso/cache').count()).toBe(1);
    await page.getByText('Sign-in key', { exact: true }).scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-sign-in-key');
    // Back to the OS keychain: there is none here, so the switch is refused in place and nothing changes.
    await page.getByRole('radio', { name: 'The OS keychain (recommended)' }).click();
    const refused = page.getByRole('group', { name: 'Sign-in key' }).getByRole('alert');
    await expect.poll(() => refused.getAttribute('data-code')).toBe('keychain-unavailable');
    expect(await file.isChecked()).toBe(true);
    expect((await app.host.core.preferences.reload()).preferences.keychain).toBe('file');
  });
});
