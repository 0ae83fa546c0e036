import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FIXTURE } from '../../emulator/demo';
import { loadFixtureFile, parseFixture, type RunningEmulator } from '../../emulator/index';
import { screenshot, type BrowserSession } from '../support/browser';
import { startSignedInBrowser, type SignedInBrowser } from '../support/signed-in-browser';
import type { RunningApp } from '../support/web-app';

/**
 * The Sessions view in Chromium through the web host: every account-region's sessions, the
 * failing one in place, the mine / active / this-instance filters, Terminate with AWS's refusal
 * on the row, and the app's own tab ending through its close path. Needs a D-Bus session with an
 * unlocked keyring (the app's secret store), as CI provides.
 */

const STAGING = '123456789012';
const AUDIT = '444455556666';

function fixture() {
  const demo = loadFixtureFile(DEMO_FIXTURE);
  const web = demo.instances.find((i) => i.name === 'staging-web-1')!.id;
  const worker = demo.instances.find((i) => i.name === 'staging-worker-1')!.id;
  return parseFixture({
    ...demo,
    accounts: [...demo.accounts, { id: AUDIT, name: 'audit', roles: [{ name: 'Auditor', allow: ['ssm:Describe*', 'ssm:GetDocument', 'ec2:Describe*'] }], regions: ['eu-west-1'] }],
    // Staging eu-west-1 logs sessions to CloudWatch; audit logs nowhere.
    sessionPreferences: { ...demo.sessionPreferences, [`${STAGING}/eu-west-1`]: { idleSessionTimeout: 20, cloudWatchLogGroupName: '/aws/ssm/staging' } },
    sessions: [
      { id: 'demo-0a1b2c3d4e5f60718', account: STAGING, region: 'eu-west-1', target: web, owner: { role: 'AdministratorAccess', username: 'demo' }, startDate: '2026-12-01T08:00:00Z', endDate: '2026-12-01T09:30:00Z', reason: 'CHG-1042 deploy' },
      { id: 'carol-0f9e8d7c6b5a40312', account: STAGING, region: 'eu-west-1', target: worker, owner: `arn:aws:sts::${STAGING}:assumed-role/Ops/carol`, status: 'Connected', startDate: '2026-12-04T10:15:00Z' },
      { id: 'bob-07a6b5c4d3e2f1009', account: AUDIT, region: 'eu-west-1', target: 'i-0aaaaaaaaaaaaaaa1', owner: `arn:aws:sts::${AUDIT}:assumed-role/Ops/bob`, status: 'Connected', startDate: '2026-12-03T07:45:00Z' },
      { id: 'demo-0c0d0e0f101112131', account: STAGING, region: 'eu-west-1', target: worker, owner: { role: 'AdministratorAccess', username: 'demo' }, status: 'Failed', startDate: '2026-11-28T16:20:00Z', endDate: '2026-11-28T16:21:00Z', documentName: 'AWS-StartPortForwardingSession' },
    ],
  });
}

describe('the Sessions view in Chromium', () => {
  let world: SignedInBrowser | undefined;
  let emulator: RunningEmulator;
  let app: RunningApp;
  let browser: BrowserSession;
  let tabSession = '';

  beforeAll(async () => {
    world = await startSignedInBrowser(fixture(), 'tests/e2e/sessions.test.ts');
    ({ emulator, app, browser } = world);
  });
  afterAll(async () => {
    await world?.close();
  });

  const rows = () => browser.page.getByTestId('session-row');
  const ids = () => rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-session-id')));

  it('lists every account-region newest first, with the failing one in place', async () => {
    const { page } = browser;
    await page.goto(app.web.url);
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    // One of the app's own shell tabs, opened as the window opens them, so it is listed as "your tab".
    const key = app.host.core.inventory.list().find((i) => i.name === 'staging-web-1')!.key;
    await page.evaluate((k) => window.bastionlessTerminals!.open(k), key);
    await expect.poll(() => app.host.core.shells.localSessions().length).toBe(1);
    tabSession = app.host.core.shells.localSessions()[0]!.sessionId;
    await page.getByRole('button', { name: 'Sessions' }).click();
    await page.getByRole('heading', { name: 'Sessions' }).waitFor();
    await expect.poll(ids).toEqual([tabSession, 'carol-0f9e8d7c6b5a40312', 'bob-07a6b5c4d3e2f1009', 'demo-0a1b2c3d4e5f60718', 'demo-0c0d0e0f101112131']);
    const errors = page.getByRole('list', { name: 'Account-regions that failed' });
    expect(await errors.textContent()).toContain('prod (210987654321) · ap-southeast-2');
    expect(await errors.getByRole('alert').getAttribute('data-code')).toBe('access-denied');
    const mine = rows().filter({ hasText: 'CHG-1042 deploy' });
    expect(await mine.textContent()).toMatch(/Terminated.*staging-web-1.*demo.*you.*SSM-SessionManagerRunShell/);
    expect(await page.locator(`[data-session-id="${tabSession}"]`).textContent()).toContain('your tab');
    // Each staging session links to its log stream; the audit account logs nowhere, so no link.
    expect(await mine.getByRole('link', { name: 'CloudWatch log of demo-0a1b2c3d4e5f60718' }).getAttribute('href')).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Fssm$252Fstaging/log-events/demo-0a1b2c3d4e5f60718',
    );
    expect(await page.locator('[data-session-id="bob-07a6b5c4d3e2f1009"]').getByRole('link').count()).toBe(0);
    expect(await page.getByTestId('sessions-progress').textContent()).toMatch(/^5 of 5 sessions · \d+ account-regions$/);
    await screenshot(page, 'sessions-dark');
  });

  it('filters: mine, active, this instance', async () => {
    const { page } = browser;
    await page.getByLabel('Mine').check();
    await expect.poll(ids).toEqual([tabSession, 'demo-0a1b2c3d4e5f60718', 'demo-0c0d0e0f101112131']);
    await page.getByLabel('Active').check();
    await expect.poll(ids).toEqual([tabSession]);
    await page.getByLabel('Mine').uncheck();
    await expect.poll(ids).toEqual([tabSession, 'carol-0f9e8d7c6b5a40312', 'bob-07a6b5c4d3e2f1009']);
    await page.getByLabel('Active').uncheck();
    await page.getByLabel('Instance').selectOption({ label: `staging-worker-1 (${emulator.fixture().instances.find((i) => i.name === 'staging-worker-1')!.id})` });
    await expect.poll(ids).toEqual(['carol-0f9e8d7c6b5a40312', 'demo-0c0d0e0f101112131']);
    await page.getByLabel('Instance').selectOption({ value: '' });
    await expect.poll(() => rows().count()).toBe(5);
  });

  it("shows AWS's refusal on the row, and terminates where the role may", async () => {
    const { page } = browser;
    const bob = page.locator('[data-session-id="bob-07a6b5c4d3e2f1009"]');
    await bob.getByRole('button', { name: 'Terminate bob-07a6b5c4d3e2f1009' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Terminate bob-07a6b5c4d3e2f1009?' });
    expect(await confirm.textContent()).toContain('Whoever is connected to it is disconnected');
    await confirm.getByRole('button', { name: 'Terminate session' }).click();
    const refusal = page.locator('.session-detail-row').getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.getAttribute('data-code')).toBe('access-denied');
    expect(await refusal.textContent()).toContain(`is not authorized to perform: ssm:TerminateSession on resource: arn:aws:ssm:eu-west-1:${AUDIT}:session/bob-07a6b5c4d3e2f1009`);
    expect(await refusal.textContent()).toContain('Role Auditor in audit needs ssm:TerminateSession');
    await screenshot(page, 'sessions-terminate-denied-dark');
    await page.getByRole('button', { name: 'Cancel' }).click();

    const carol = page.locator('[data-session-id="carol-0f9e8d7c6b5a40312"]');
    await carol.getByRole('button', { name: 'Terminate carol-0f9e8d7c6b5a40312' }).click();
    await page.getByRole('alertdialog', { name: 'Terminate carol-0f9e8d7c6b5a40312?' }).getByRole('button', { name: 'Terminate session' }).click();
    await expect.poll(() => carol.getByTestId('session-status').textContent()).toBe('Terminated');
    expect(await carol.getByRole('button', { name: /Terminate/ }).count()).toBe(0);
  });

  it("ends the app's own tab through its close path", async () => {
    const { page } = browser;
    const tab = page.locator(`[data-session-id="${tabSession}"]`);
    await tab.getByRole('button', { name: `Terminate ${tabSession}` }).click();
    const confirm = page.getByRole('alertdialog', { name: `Terminate ${tabSession}?` });
    expect(await confirm.textContent()).toMatch(/This is your tab “.*staging-web-1.*”: it will be closed\./);
    await confirm.getByRole('button', { name: 'Close tab' }).click();
    await expect.poll(() => app.host.core.shells.list().length).toBe(0);
    await expect.poll(() => tab.getByTestId('session-status').textContent()).toBe('Terminated');
  });

  it("opens on one instance from its details, and fits 900x600 and the light theme", async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Instances' }).click();
    await page.getByTestId('instance-row').filter({ hasText: 'staging-worker-1' }).click();
    const details = page.getByTestId('instance-details');
    await expect.poll(() => details.getByRole('heading', { level: 2 }).textContent()).toBe('staging-worker-1');
    await details.getByRole('button', { name: 'Sessions' }).click();
    await page.getByRole('heading', { name: 'Sessions' }).waitFor();
    await expect.poll(ids).toEqual(['carol-0f9e8d7c6b5a40312', 'demo-0c0d0e0f101112131']);
    await page.getByLabel('Instance').selectOption({ value: '' });
    await expect.poll(() => rows().count()).toBe(5);

    await page.setViewportSize({ width: 900, height: 600 });
    await screenshot(page, 'sessions-900x600-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    await page.setViewportSize({ width: 1280, height: 800 });
    await screenshot(page, 'sessions-light');
    await page.setViewportSize({ width: 900, height: 600 });
    await screenshot(page, 'sessions-900x600-light');
  });
});
