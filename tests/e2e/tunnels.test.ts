import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator/index';
import { emulatorRoleCredentials, signInToEmulator } from '../../emulator/sdk-login';
import { createSessionService } from '../../main/core/aws/sessions';
import { launchBrowser, screenshot, type BrowserSession } from '../support/browser';
import { startWebApp, type RunningApp } from '../support/web-app';
import { echo, listenLocal } from '../integration/tunnels/world';

const INSTANCE = 'i-0eeeeeeeeeeeeeee1';
const ACCOUNT = '111122223333';

describe('tunnels in Chromium: create an RDP profile, start it, see it everywhere, stop it', () => {
  let emu: RunningEmulator;
  let app: RunningApp;
  let browser: BrowserSession;
  let rdpStandIn: Awaited<ReturnType<typeof listenLocal>>;
  const dataDir = mkdtempSync(join(tmpdir(), 'bl-e2e-tunnels-'));
  const previousDataDir = process.env.BASTIONLESS_DATA_DIR;

  beforeAll(async () => {
    process.env.BASTIONLESS_DATA_DIR = dataDir;
    rdpStandIn = await listenLocal(echo);
    emu = await startEmulator({
      fixture: {
        sso: { startUrl: 'https://example.awsapps.com/start', region: 'eu-west-1' },
        accounts: [{ id: ACCOUNT, name: 'prod', roles: [{ name: 'Admin' }], regions: ['eu-west-1'] }],
        instances: [{ id: INSTANCE, account: ACCOUNT, region: 'eu-west-1', name: 'win-jump', platform: 'Windows', ports: { '3389': rdpStandIn.address } }],
      },
    });
    app = await startWebApp({ emulator: true });
    // Sign-in (issue 5) is not wired into the core yet: hand the tunnel service the session source it will provide.
    const { accessToken } = await signInToEmulator(emu);
    const creds = await emulatorRoleCredentials(emu, accessToken, ACCOUNT, 'Admin');
    app.host.core.tunnels.setSessionSource({ sessions: createSessionService({ credentials: () => async () => creds, clientConfig: { endpoint: emu.url, maxAttempts: 1 } }), allowInsecure: true });
    browser = await launchBrowser({ colorScheme: 'dark' });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await emu?.stop();
    rdpStandIn?.server.close();
    if (previousDataDir === undefined) delete process.env.BASTIONLESS_DATA_DIR;
    else process.env.BASTIONLESS_DATA_DIR = previousDataDir;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('profile → start → active in the view and the quick-connect menu → stop from the menu', async () => {
    const { page } = browser;
    await page.goto(app.web.url);
    await page.getByRole('button', { name: 'Tunnels' }).click();
    await page.getByRole('heading', { name: 'Tunnels' }).waitFor();
    await page.getByRole('button', { name: 'New tunnel…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New tunnel profile' });
    await dialog.waitFor();
    await dialog.getByLabel('Name', { exact: true }).fill('win-jump RDP');
    // Where the tunnel goes sits under Advanced (the picker fills it); Save with it empty opens the fold.
    const advanced = dialog.locator('details.tunnel-advanced');
    expect(await advanced.getAttribute('open')).toBeNull();
    await dialog.getByRole('button', { name: 'Save profile' }).click();
    await expect.poll(() => advanced.getAttribute('open')).toBe('');
    expect(await dialog.getByLabel('Instance', { exact: true }).evaluate((el) => el === document.activeElement)).toBe(true);
    await dialog.getByLabel('Instance', { exact: true }).fill(INSTANCE);
    await dialog.getByLabel('Region', { exact: true }).fill('eu-west-1');
    await dialog.getByLabel('SSO session', { exact: true }).fill('corp');
    await dialog.getByLabel('Account', { exact: true }).fill(ACCOUNT);
    await dialog.getByLabel('Role', { exact: true }).fill('Admin');
    await dialog.getByLabel('User name', { exact: true }).fill('Administrator');
    await dialog.getByLabel('Pin to the tray').check();
    // A non-loopback bind address is allowed, with a warning; back to loopback before saving.
    await dialog.getByLabel('Bind address').fill('0.0.0.0');
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('other machines');
    await screenshot(page, 'tunnels-create-profile-dark');
    await dialog.getByLabel('Bind address').fill('127.0.0.1');
    await dialog.getByRole('button', { name: 'Save profile' }).click();
    await dialog.waitFor({ state: 'detached' });

    const row = page.getByRole('listitem', { name: 'win-jump RDP' });
    await row.waitFor();
    expect(await row.textContent()).toContain(`${INSTANCE}:3389`);
    await row.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => row.getByTestId('tunnel-state').textContent()).toBe('Listening');

    // Real bytes through the tunnel the UI started.
    const status = app.host.core.tunnels.list()[0];
    expect(status?.state).toBe('listening');
    const reply = await new Promise<string>((resolve, reject) => {
      const sock = connect(status?.localPort ?? 0, '127.0.0.1');
      sock.once('data', (d: Buffer) => {
        sock.end();
        resolve(d.toString());
      });
      sock.on('error', reject);
      sock.write('rdp-bytes');
    });
    expect(reply).toBe('rdp-bytes');
    await expect.poll(() => row.getByTestId('tunnel-stats').textContent()).toContain('1 conn. total');
    // Figures are formatted: "9 B", never a float of bytes per second.
    const stats = (await row.getByTestId('tunnel-stats').textContent())!;
    expect(stats).toMatch(/↑ 9 B · \d+(\.\d)? (B|KiB)\/s/);
    expect(stats).not.toMatch(/\d\.\d{3,}/);
    expect(await row.textContent()).toContain(`127.0.0.1:${status?.localPort}`);
    await screenshot(page, 'tunnels-view-active-dark');

    await page.getByRole('button', { name: 'Quick connect' }).click();
    const menu = page.getByRole('menu', { name: 'Quick connect' });
    await menu.waitFor();
    const items = await menu.getByRole('menuitem').allTextContents();
    expect(items[0]).toContain('win-jump RDP'); // pinned profile first
    const stopItem = menu.getByRole('menuitem', { name: /Stop win-jump RDP/ });
    expect(await stopItem.textContent()).toContain(`127.0.0.1:${status?.localPort} · listening`);
    await screenshot(page, 'tunnels-quick-connect-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    await screenshot(page, 'tunnels-quick-connect-light');

    await stopItem.click();
    await expect.poll(() => app.host.core.tunnels.list().length).toBe(0);
    await expect.poll(() => row.getByRole('button', { name: 'Start' }).count()).toBe(1);
    const refused = await new Promise<string>((resolve) =>
      connect(status?.localPort ?? 0, '127.0.0.1')
        .once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? ''))
        .once('connect', () => resolve('connected')),
    );
    expect(refused).toBe('ECONNREFUSED');
    await screenshot(page, 'tunnels-view-light');
    await page.keyboard.press('Escape');
  });

  it('says "Destination refused" when the agent cannot reach the port, never a green state beside the error', async () => {
    const { page } = browser;
    // Same instance, a port nothing listens on behind it (the fixture maps only 3389).
    const saved = await page.evaluate(async () => {
      const [first] = (await window.bastionless!.call('tunnels.profiles.list', undefined)).profiles;
      const { id: _id, createdAt: _c, lastUsedAt: _l, ...rest } = first!;
      return window.bastionless!.call('tunnels.profiles.save', { ...rest, name: 'closed port', kind: 'custom', remotePort: 5999, pinned: false });
    });
    const row = page.getByRole('listitem', { name: 'closed port' });
    await row.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => row.getByTestId('tunnel-state').textContent()).toBe('Listening');
    const status = app.host.core.tunnels.list().find((t) => t.id === saved.id)!;
    await new Promise<void>((resolve) => {
      const sock = connect(status.localPort, '127.0.0.1');
      sock.on('error', () => resolve());
      sock.on('close', () => resolve());
      sock.write('hello?');
    });
    await expect.poll(() => row.getByTestId('tunnel-state').textContent()).toBe('Destination refused');
    expect(await row.getByTestId('tunnel-state').getAttribute('class')).toContain('tone-bad');
    expect(await row.getByTestId('tunnel-last-error').textContent()).toContain('The agent could not connect to the destination port');
    expect(await row.getByTestId('tunnel-stats').textContent()).toContain('1 failed');
    await screenshot(page, 'tunnels-destination-refused');

    // Delete asks first and says that the running tunnel will be stopped; Cancel keeps everything.
    await row.getByRole('button', { name: 'Delete closed port' }).click();
    const confirm = row.getByRole('alertdialog', { name: 'Delete closed port?' });
    expect(await confirm.textContent()).toContain(`Its tunnel on 127.0.0.1:${status.localPort} is running and will be stopped`);
    await screenshot(page, 'tunnels-delete-confirm');
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    expect(app.host.core.tunnels.list()).toHaveLength(1);
    await row.getByRole('button', { name: 'Delete closed port' }).click();
    // The confirming button has the focus: Enter confirms.
    await page.keyboard.press('Enter');
    await row.waitFor({ state: 'detached' });
    expect(app.host.core.tunnels.list()).toHaveLength(0);
    expect((await page.evaluate(() => window.bastionless!.call('tunnels.profiles.list', undefined))).profiles.map((p) => p.name)).toEqual(['win-jump RDP']);
  });
  it('no client on this computer: the row says so and offers the command, the URI and the details to copy', async () => {
    const { page, context } = browser;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.web.url).origin });
    await page.evaluate(async () => {
      const [first] = (await window.bastionless!.call('tunnels.profiles.list', undefined)).profiles;
      const { id: _id, createdAt: _c, lastUsedAt: _l, ...rest } = first!;
      // DBeaver is not installed on the test machines; the tunnel itself starts fine.
      return window.bastionless!.call('tunnels.profiles.save', { ...rest, name: 'orders db', kind: 'postgres', remotePort: 3389, pinned: false, launcher: { ...rest.launcher, client: 'dbeaver', username: 'app', database: 'orders' } });
    });
    const row = page.getByRole('listitem', { name: 'orders db' });
    await row.getByRole('button', { name: 'Open client' }).click();
    const notice = row.getByTestId('launch-notice');
    await notice.waitFor();
    const port = app.host.core.tunnels.list().find((t) => t.name === 'orders db')!.localPort;
    expect(await notice.textContent()).toContain('DBeaver was not found on this computer.');
    expect(await notice.locator('pre').textContent()).toBe(`Host: 127.0.0.1\nPort: ${port}\nUser: app\nDatabase: orders`);
    const copies = notice.getByRole('group', { name: 'Connect by hand' });
    expect(await copies.getByRole('button').allTextContents()).toEqual(['Copy command', 'Copy URI', 'Copy details']);
    await screenshot(page, 'tunnels-open-client-by-hand');
    await page.setViewportSize({ width: 900, height: 600 });
    await screenshot(page, 'tunnels-open-client-by-hand-900');
    await page.setViewportSize({ width: 1280, height: 800 });
    await copies.getByRole('button', { name: 'Copy URI' }).click();
    await expect.poll(() => copies.getByRole('button', { name: 'Copied' }).count()).toBe(1);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`postgresql://app@127.0.0.1:${port}/orders`);
    await copies.getByRole('button', { name: 'Copy command' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(`psql 'host=127.0.0.1 sslmode=prefer port=${port} dbname=orders user=app application_name=bastionless'`);
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await notice.waitFor({ state: 'detached' });
    await row.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => app.host.core.tunnels.list().length).toBe(0);
  });
  it('Connect once starts a tunnel without a profile, and Save keeps it running as a saved one', async () => {
    const { page } = browser;
    const before = (await page.evaluate(() => window.bastionless!.call('tunnels.profiles.list', undefined))).profiles.length;
    await page.getByRole('button', { name: 'New tunnel…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New tunnel profile' });
    await dialog.getByLabel('Name', { exact: true }).fill('one-off rdp');
    await dialog.getByText('Advanced').click();
    await dialog.getByLabel('Instance', { exact: true }).fill(INSTANCE);
    await dialog.getByLabel('Region', { exact: true }).fill('eu-west-1');
    await dialog.getByLabel('SSO session', { exact: true }).fill('corp');
    await dialog.getByLabel('Account', { exact: true }).fill(ACCOUNT);
    await dialog.getByLabel('Role', { exact: true }).fill('Admin');
    expect(await dialog.locator('summary').textContent()).toBe(`Advanced ${INSTANCE} · ${ACCOUNT} · Admin · eu-west-1`);
    await screenshot(page, 'tunnels-dialog-advanced');
    await dialog.getByRole('button', { name: 'Connect once' }).click();
    await dialog.waitFor({ state: 'detached' });

    const once = page.getByRole('list', { name: 'Connected once' }).getByRole('listitem', { name: 'one-off rdp' });
    await expect.poll(() => once.getByTestId('tunnel-state').textContent()).toBe('Listening');
    expect(await once.textContent()).toContain('Not saved');
    const status = app.host.core.tunnels.list().find((t) => t.name === 'one-off rdp')!;
    const reply = await new Promise<string>((resolve, reject) => {
      const sock = connect(status.localPort, '127.0.0.1');
      sock.once('data', (d: Buffer) => (sock.end(), resolve(d.toString())));
      sock.on('error', reject);
      sock.write('once-bytes');
    });
    expect(reply).toBe('once-bytes');
    // Nothing was written to tunnel-profiles.json.
    expect((await page.evaluate(() => window.bastionless!.call('tunnels.profiles.list', undefined))).profiles).toHaveLength(before);
    await screenshot(page, 'tunnels-connected-once');

    await once.getByRole('button', { name: 'Save profile' }).click();
    const saved = page.getByRole('list', { name: 'Tunnel profiles' }).getByRole('listitem', { name: 'one-off rdp' });
    await expect.poll(() => saved.getByTestId('tunnel-state').textContent()).toBe('Listening');
    expect(await page.getByRole('list', { name: 'Connected once' }).count()).toBe(0);
    const after = app.host.core.tunnels.list().find((t) => t.name === 'one-off rdp')!;
    expect(after.localPort).toBe(status.localPort); // the same listener, now under the saved id
    expect(after.unsaved).toBeUndefined();
    expect((await page.evaluate(() => window.bastionless!.call('tunnels.profiles.list', undefined))).profiles.map((p) => p.name)).toContain('one-off rdp');
    await saved.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => app.host.core.tunnels.list().length).toBe(0);
  });
});
