import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FIXTURE } from '../../emulator/demo';
import { loadFixtureFile, type RunningEmulator } from '../../emulator/index';
import { screenshot, type BrowserSession } from '../support/browser';
import { startSignedInBrowser, type SignedInBrowser } from '../support/signed-in-browser';
import type { RunningApp } from '../support/web-app';

/**
 * "Why can't I connect?" in Chromium through the web host, on the demo fleet: shown at once in
 * an offline instance's details, and opened from a shell tab that failed to open, where it
 * translates that StartSession's own answer. Needs a D-Bus session with an unlocked keyring.
 */

describe('the connectivity doctor in Chromium', () => {
  let world: SignedInBrowser | undefined;
  let emulator: RunningEmulator;
  let app: RunningApp;
  let browser: BrowserSession;

  beforeAll(async () => {
    world = await startSignedInBrowser(loadFixtureFile(DEMO_FIXTURE), 'tests/e2e/doctor.test.ts');
    ({ emulator, app, browser } = world);
  });
  afterAll(async () => {
    await world?.close();
  });

  const row = (name: string) => browser.page.getByTestId('instance-row').filter({ hasText: name });
  const fixtureId = (name: string) => emulator.fixture().instances.find((i) => i.name === name)!.id;

  it("an offline instance's details say why at once, in one sentence with the fix", async () => {
    const { page } = browser;
    await page.goto(app.web.url);
    await row('staging-worker-1').click();
    const details = page.getByTestId('instance-details');
    const problem = details.getByTestId('doctor-problem');
    await problem.waitFor();
    expect(await problem.getAttribute('data-check')).toBe('ping');
    expect(await problem.locator('.doctor-sentence').textContent()).toMatch(new RegExp(`^The SSM agent on staging-worker-1 \\(${fixtureId('staging-worker-1')}\\) lost its connection to Systems Manager \\(last ping 60 minutes ago, at [\\d-]+ [\\d:]+ UTC\\)\\.$`));
    expect(await problem.locator('.doctor-fix').textContent()).toContain('ssmmessages');
    const checks = details.getByRole('list', { name: 'Checks, in order' }).getByRole('listitem');
    expect(await checks.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-check')}:${e.getAttribute('data-status')}`))).toEqual([
      'sign-in:pass',
      'permissions:pass',
      'managed:pass',
      'ping:fail',
      'agent-version:pass',
      'document:pass',
      'kms:pass',
      'start-session:skip',
    ]);
    for (const [width, height] of [[1280, 800], [900, 600]] as const) {
      await page.setViewportSize({ width, height });
      await screenshot(page, `doctor-offline-details-${width}x${height}`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("a shell that failed to open: the tab's button opens the doctor, which translates StartSession's TargetNotConnected", async () => {
    const { page } = browser;
    const id = fixtureId('prod-web-2');
    // The agent drops its session channel while the node still pings (as a blocked ssmmessages endpoint does).
    emulator.control.setInstanceOnline(id, false);
    await row('prod-web-2').click();
    await page.getByTestId('instance-details').getByRole('button', { name: 'Open shell' }).click();
    const status = page.getByTestId('terminal-status');
    await expect.poll(() => status.textContent()).toContain('is not connected to Session Manager');
    emulator.control.setInstanceOnline(id, true);
    await status.getByRole('button', { name: "Why can't I connect?" }).click();
    const dialog = page.getByRole('dialog', { name: "Why can't I connect?" });
    const problem = dialog.getByTestId('doctor-problem');
    await problem.waitFor();
    expect(await problem.getAttribute('data-check')).toBe('start-session');
    expect(await problem.locator('.doctor-sentence').textContent()).toBe(`StartSession answered TargetNotConnected: prod-web-2 (${id}) is not connected to Session Manager.`);
    expect(await problem.locator('.doctor-fix').textContent()).toContain('ssmmessages.eu-west-1.amazonaws.com');
    // Focus is on Close: the dialog is keyboard-first.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Close');
    for (const [width, height] of [[1280, 800], [900, 600]] as const) {
      await page.setViewportSize({ width, height });
      await screenshot(page, `doctor-dialog-${width}x${height}`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    // Asked to, it tries a session; the agent answers again, so nothing is wrong any more.
    await dialog.getByRole('button', { name: 'Try connecting' }).click();
    await dialog.getByTestId('doctor-ok').waitFor();
    expect(await dialog.locator('[data-check="start-session"]').getAttribute('data-status')).toBe('pass');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('a tunnel that did not start offers it on its row, for the profile\'s instance and port', async () => {
    const { page } = browser;
    const web = app.host.core.inventory.list().find((i) => i.name === 'prod-web-1')!;
    const profile = await app.host.core.tunnels.saveProfile({ name: 'web-1 postgres', source: { type: 'sso', ssoSession: web.sourceId, accountId: web.accountId, roleName: web.roleName }, region: web.region, target: { type: 'instance', instanceId: web.instanceId }, remotePort: 5432, kind: 'postgres' });
    emulator.control.setInstanceOnline(web.instanceId, false);
    try {
      await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Tunnels' }).click();
      const tunnelRow = page.locator(`[data-profile-id="${profile.id}"]`);
      await tunnelRow.getByRole('button', { name: 'Start' }).click();
      await tunnelRow.getByTestId('tunnel-start-failed').getByRole('button', { name: "Why can't I connect?" }).click();
      const dialog = page.getByRole('dialog', { name: "Why can't I connect?" });
      const problem = dialog.getByTestId('doctor-problem');
      await problem.waitFor();
      expect(await dialog.locator('.doctor-subject').textContent()).toBe('web-1 postgres · port forwarding');
      expect(await problem.locator('.doctor-sentence').textContent()).toMatch(new RegExp(`^The SSM agent on prod-web-1 \\(${web.instanceId}\\) lost its connection to Systems Manager`));
      await screenshot(page, 'doctor-tunnel-dialog');
      await dialog.getByRole('button', { name: 'Close' }).click();
    } finally {
      emulator.control.setInstanceOnline(web.instanceId, true);
    }
  });

  it("the instance menu offers it for any instance, in the light theme", async () => {
    const { page } = browser;
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Instances' }).click();
    await row('sandbox-old-agent').click({ button: 'right' });
    await page.getByRole('menuitem', { name: "Why can't I connect?" }).click();
    const dialog = page.getByRole('dialog', { name: "Why can't I connect?" });
    await dialog.locator('[data-check="agent-version"]').waitFor();
    expect(await dialog.locator('.doctor-subject').textContent()).toBe('sandbox-old-agent · shell');
    await screenshot(page, 'doctor-dialog-light');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });
});
