import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FIXTURE } from '../../emulator/demo';
import { loadFixtureFile, startEmulator, type RunningEmulator } from '../../emulator/index';
import { launchBrowser, screenshot, type BrowserSession } from '../support/browser';
import { useEmulatorEnv } from '../support/emulator-app-env';
import { startWebApp, type RunningApp } from '../support/web-app';

/**
 * Sign in as a person would: the app shows the device code, the verification page (the emulator's)
 * is opened in a second tab and approved there, and the demo fleet appears grouped by account and
 * region while the AccessDenied (account, region) shows its error in place. The app runs with its
 * production secret store (the OS keychain over the Secret Service), so this needs a D-Bus session
 * with an unlocked keyring, as CI provides.
 */
describe('sign-in and discovery in Chromium through the web host', () => {
  let emulator: RunningEmulator;
  let app: RunningApp;
  let browser: BrowserSession;
  let restoreEnv: (() => void) | undefined;

  beforeAll(async () => {
    if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
      throw new Error(
        'No D-Bus session: the app keeps its data key in the OS keychain. Run under ' +
          "dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets --daemonize; npx vitest run --project e2e tests/e2e/login-discovery.test.ts'",
      );
    }
    emulator = await startEmulator({ fixture: loadFixtureFile(DEMO_FIXTURE) });
    restoreEnv = useEmulatorEnv(emulator).restore;
    app = await startWebApp({ emulator: true });
    browser = await launchBrowser({ width: 1360, height: 820 });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await emulator?.stop();
    restoreEnv?.();
  });

  it('signs in by approving the device code on the verification page', async () => {
    const { page, context } = browser;
    await page.goto(app.web.url);
    const source = page.getByTestId('source-bastionless-emulator');
    await source.getByText('Signed out').waitFor();
    await source.getByRole('button', { name: 'Sign in' }).click();
    const code = page.getByTestId('user-code');
    await code.waitFor();
    const userCode = (await code.textContent())!.trim();
    expect(userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(emulator.control.pendingUserCodes()).toContain(userCode);
    await screenshot(page, 'login-device-code');

    const href = (await page.getByTestId('verification-link').getAttribute('href'))!;
    expect(href).toBe(`${emulator.url}/device?user_code=${userCode}`);
    const approval = await context.newPage();
    await approval.goto(href);
    await approval.locator('#approve').click();
    await approval.waitForLoadState();
    await approval.close();

    // The app's CreateToken polling completes on its own: the explorer replaces the sign-in screen.
    await page.getByRole('treegrid', { name: 'Instances' }).waitFor();
    await expect.poll(() => source.getByTestId('source-state').textContent(), { timeout: 15_000 }).toBe('Signed in');
  });

  it('shows the demo fleet grouped by account and region, with the AccessDenied region in place', async () => {
    const { page } = browser;
    const fixture = emulator.fixture();
    const visible = fixture.instances.filter((i) => i.state === 'running' && !(i.account === '210987654321' && i.region === 'ap-southeast-2'));
    await expect.poll(() => page.getByTestId('instance-row').count(), { timeout: 30_000 }).toBe(visible.length);
    await expect.poll(() => page.getByTestId('inventory-progress').textContent()).toMatch(/12 instances · 9 account-regions · updated/);
    // An account → region tree: each account's header, then its regions.
    const parents = await page.getByTestId('parent-row').allTextContents();
    expect(parents[0]).toMatch(/^▾prod \(210987654321\)\d+ · 1 failed$/);
    const groupIn = (parentId: string) => page.locator(`[data-testid=group-row][data-id^="${parentId}|"]`);
    const prodRegions = await groupIn('210987654321').locator('.group-title').allTextContents();
    expect(prodRegions).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
    expect(await groupIn('210987654321').filter({ hasText: 'eu-west-1' }).locator('.group-count').textContent()).toBe('4');
    expect(await groupIn('123456789012').locator('.group-title').allTextContents()).toContain('us-east-1');
    const deniedRow = page.getByTestId('group-row').filter({ hasText: 'ap-southeast-2' });
    const denied = deniedRow.getByRole('alert');
    expect(await denied.getAttribute('data-code')).toBe('access-denied');
    // The short cause, not STS's sentence; the sentence is one click away.
    expect(await denied.textContent()).toBe('Access denied: ssm:DescribeInstanceInformation');
    await deniedRow.getByRole('button', { name: 'Details' }).click();
    const dialog = page.getByRole('dialog', { name: 'ap-southeast-2: why it failed' });
    const said = await dialog.getByTestId('error-detail-text').textContent();
    expect(said).toMatch(/^AccessDeniedException: User: arn:aws:sts::210987654321:\S+ is not authorized to perform: ssm:DescribeInstanceInformation on resource: /);
    expect(await dialog.textContent()).toContain('Role AdministratorAccess may not call ssm:DescribeInstanceInformation in ap-southeast-2.');
    await screenshot(page, 'explorer-access-denied-details');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    // Every row names a real fixture instance.
    const names = await page.getByTestId('instance-row').locator('.instance-name').allTextContents();
    expect(names.sort()).toEqual(visible.map((i) => i.name!).sort());
    // The account named "prod" is red by default; the others carry no colour until given one.
    const row = (name: string) => page.getByTestId('instance-row').filter({ hasText: name });
    expect(await row('prod-web-1').getAttribute('data-colour')).toBe('red');
    expect(await row('sandbox-dev-box').getAttribute('data-colour')).toBeNull();
    await screenshot(page, 'explorer-dark');

    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
    const sandbox = page.getByRole('combobox', { name: 'Colour of sandbox (345678901234)' });
    expect(await page.getByRole('combobox', { name: 'Colour of prod (210987654321)' }).inputValue()).toBe('red');
    await sandbox.selectOption('green');
    await page.getByText('Account colours', { exact: true }).scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-account-colours');
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Instances' }).click();
    await expect.poll(() => row('sandbox-dev-box').getAttribute('data-colour')).toBe('green');
  });

  it('a refused account-region offers the account\'s other roles, and the choice holds for the next scan', async () => {
    const { page } = browser;
    const deniedRow = () => page.getByTestId('group-row').filter({ hasText: 'ap-southeast-2' });
    expect(await deniedRow().getByRole('button', { name: /^Use .* instead$/ }).allTextContents()).toEqual(['Use SessionManagerUser instead', 'Use ReadOnlyAccess instead']);
    await deniedRow().getByRole('button', { name: 'Use SessionManagerUser instead' }).click();
    // The emulator's fault refuses every role there, so the row stays refused — now naming the chosen role.
    await expect.poll(() => deniedRow().getByRole('button', { name: /^Use .* instead$/ }).allTextContents(), { timeout: 15_000 }).toEqual(['Use AdministratorAccess instead', 'Use ReadOnlyAccess instead']);
    expect(await page.getByTestId('instance-row').filter({ hasText: 'prod-web-1' }).count()).toBe(1);
    const prodRoles = await page.evaluate(async () => (await window.bastionless!.call('inventory.snapshot', undefined)).instances.filter((i) => i.accountId === '210987654321').map((i) => i.roleName));
    expect(new Set(prodRoles)).toEqual(new Set(['SessionManagerUser']));
    await deniedRow().getByRole('button', { name: 'Use AdministratorAccess instead' }).click();
    await expect.poll(() => deniedRow().getByRole('button', { name: /^Use .* instead$/ }).allTextContents(), { timeout: 15_000 }).toEqual(['Use SessionManagerUser instead', 'Use ReadOnlyAccess instead']);
  });

  it('folds an account and one of its regions, remembers it, and Collapse all / Expand all', async () => {
    const { page } = browser;
    const visible = await page.getByTestId('instance-row').count();
    await page.getByRole('button', { name: 'Collapse prod (210987654321)' }).click();
    await expect.poll(() => page.locator('[data-testid=group-row][data-id^="210987654321|"]').count()).toBe(0);
    expect(await page.getByTestId('instance-row').filter({ hasText: 'prod-' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Expand prod (210987654321)' }).click();
    await page.locator('[data-testid=group-row][data-id="210987654321|eu-west-1"]').getByRole('button', { name: 'Collapse eu-west-1' }).click();
    await expect.poll(() => page.getByTestId('instance-row').count()).toBe(visible - 4);
    await page.getByRole('button', { name: 'Collapse all' }).click();
    await expect.poll(() => page.getByTestId('instance-row').count()).toBe(0);
    expect((await page.getByTestId('parent-row').allTextContents()).every((t) => t.startsWith('▸'))).toBe(true);
    await screenshot(page, 'explorer-collapsed');
    // A search shows every match, folded or not.
    await page.getByLabel('Search instances').fill('prod-web');
    await expect.poll(() => page.getByTestId('instance-row').count()).toBe(2);
    await page.getByLabel('Search instances').fill('');
    await expect.poll(() => page.getByTestId('instance-row').count()).toBe(0);
    await page.getByRole('button', { name: 'Expand all' }).click();
    await expect.poll(() => page.getByTestId('instance-row').count()).toBe(visible - 4);
    // Kept in preferences.json, so it survives a restart; the region's own fold came back too.
    // The list folds at once; the save to preferences.json follows.
    await expect.poll(() => page.evaluate(async () => (await window.bastionless!.call('prefs.get', undefined)).preferences.collapsedGroups)).toEqual(['210987654321|eu-west-1']);
    await page.locator('[data-testid=group-row][data-id="210987654321|eu-west-1"]').getByRole('button', { name: 'Expand eu-west-1' }).click();
    await expect.poll(() => page.getByTestId('instance-row').count()).toBe(visible);
  });

  it('narrows with search and moves through results from the keyboard', async () => {
    const { page } = browser;
    await page.getByRole('treegrid', { name: 'Instances' }).focus();
    await page.keyboard.press('/');
    await page.keyboard.type('prod-web');
    await expect.poll(() => page.getByTestId('instance-row').locator('.instance-name').allTextContents()).toEqual(['prod-web-1', 'prod-web-2']);
    await page.keyboard.press('ArrowDown');
    const details = page.getByTestId('instance-details');
    await expect.poll(() => details.getByRole('heading', { level: 2 }).textContent()).toBe('prod-web-1');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => details.getByRole('heading', { level: 2 }).textContent()).toBe('prod-web-2');
    expect(await details.textContent()).toContain('i-0fd2174b7a1c03366');
    await screenshot(page, 'explorer-search');

    // Tag search: "Team=data" matches the tag pair, not the word anywhere.
    await page.getByLabel('Search instances').fill('team=data');
    await expect.poll(() => page.getByTestId('instance-row').locator('.instance-name').allTextContents()).toEqual(['prod-db-bastion']);
    await page.getByLabel('Search instances').fill('');
    await page.getByLabel('Platform').selectOption('Windows');
    // Grouped by account name: prod, shared-services, staging.
    await expect.poll(() => page.getByTestId('instance-row').locator('.instance-name').allTextContents()).toEqual(['prod-ad-01', 'shared-cpt-dc', 'staging-win-build']);
    await page.getByLabel('Platform').selectOption('all');
  });

  it('New tunnel starts from a searchable instance picker that fills instance, region, account, role and source', async () => {
    const { page } = browser;
    const views = page.getByRole('navigation', { name: 'Views' });
    await views.getByRole('button', { name: 'Tunnels' }).click();
    await page.getByRole('button', { name: 'New tunnel…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New tunnel profile' });
    const picker = dialog.getByRole('combobox', { name: 'Find instance' });
    await picker.click();
    await page.keyboard.type('prod-ad');
    const options = dialog.getByRole('listbox', { name: 'Instances' }).getByRole('option');
    await expect.poll(() => options.locator('strong').allTextContents()).toEqual(['prod-ad-01']);
    await screenshot(page, 'tunnel-dialog-picker');
    for (const [width, height] of [[1280, 800], [900, 600]] as const) {
      await page.setViewportSize({ width, height });
      await screenshot(page, `tunnel-dialog-picker-${width}x${height}`);
    }
    await page.setViewportSize({ width: 1360, height: 820 });
    await page.keyboard.press('ArrowDown');
    expect(await picker.getAttribute('aria-activedescendant')).toBe(await options.first().getAttribute('id'));
    await page.keyboard.press('Enter');
    await dialog.getByRole('listbox').waitFor({ state: 'detached' });
    const want = emulator.fixture().instances.find((i) => i.name === 'prod-ad-01')!;
    expect(await dialog.getByLabel('Instance', { exact: true }).inputValue()).toBe(want.id);
    expect(await dialog.getByLabel('Region', { exact: true }).inputValue()).toBe(want.region);
    expect(await dialog.getByLabel('Account', { exact: true }).inputValue()).toBe(want.account);
    expect(await dialog.getByLabel('Role', { exact: true }).inputValue()).not.toBe('');
    expect(await dialog.getByLabel('SSO session', { exact: true }).inputValue()).not.toBe('');
    expect(await dialog.getByLabel('Name', { exact: true }).inputValue()).toBe('prod-ad-01 RDP');
    // Escape closes an open list without closing the dialog.
    await picker.click();
    await dialog.getByRole('listbox', { name: 'Instances' }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.getByRole('listbox').waitFor({ state: 'detached' });
    expect(await dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await views.getByRole('button', { name: 'Instances' }).click();
  });

  it('right-click on an instance offers RDP, which opens a tunnel profile pre-filled for it', async () => {
    const { page } = browser;
    await page.getByLabel('Search instances').fill('prod-ad-01');
    const row = page.getByTestId('instance-row').filter({ hasText: 'prod-ad-01' });
    await row.click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Actions for prod-ad-01' });
    // Windows instance: RDP comes first among the tunnel actions.
    await expect.poll(() => menu.getByRole('menuitem').allTextContents()).toEqual(['Open shell', 'RDP', 'Forward port…', 'PostgreSQL…', 'MySQL…', "Why can't I connect?"]);
    await screenshot(page, 'explorer-context-menu');
    await menu.getByRole('menuitem', { name: 'RDP' }).click();
    const dialog = page.getByRole('dialog', { name: 'New tunnel profile' });
    await dialog.waitFor();
    expect(await dialog.getByLabel('Instance', { exact: true }).inputValue()).toBe('i-0a0dd13533e84eb22');
    expect(await dialog.getByLabel('Remote port').inputValue()).toBe('3389');
    expect(await dialog.getByLabel('Name', { exact: true }).inputValue()).toBe('prod-ad-01 RDP');
    await screenshot(page, 'tunnel-dialog-from-instance');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.keyboard.press('Control+1');
    await page.getByLabel('Search instances').fill('');
  });

  it('double-click opens a shell on the instance, which then shows under recent instances', async () => {
    const { page } = browser;
    await page.getByLabel('Search instances').fill('prod-web-1');
    await page.getByTestId('instance-row').filter({ hasText: 'prod-web-1' }).dblclick();
    // The app moves to the Terminals view with a tab on the instance's real (emulated) PTY shell.
    await expect.poll(() => page.evaluate(() => window.bastionlessTerminals!.tabs().map((t) => [t.title, t.state])), { timeout: 30_000 }).toEqual([['prod-web-1', 'connected']]);
    await expect.poll(() => page.evaluate(() => window.bastionlessTerminals!.text()), { timeout: 30_000 }).toMatch(/\$ $/m);
    await page.locator('.xterm').first().click();
    await page.keyboard.type('echo $((6*7))');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => window.bastionlessTerminals!.text()), { timeout: 30_000 }).toMatch(/^42$/m);
    // Ctrl+K belongs to the shell while the terminal has focus (kill-line), so use the button.
    await page.getByRole('button', { name: 'Quick connect' }).click();
    const menu = page.getByRole('menu', { name: 'Quick connect' });
    await expect.poll(() => menu.getByRole('menuitem').allTextContents()).toContain('prod-web-1prod · eu-west-1');
    await page.keyboard.press('Escape');
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Instances' }).click();
    await page.getByLabel('Search instances').fill('');
  });

  it('a session document chosen in the details panel is what the next shell on that instance starts', async () => {
    const { page } = browser;
    await page.getByLabel('Search instances').fill('prod-web-2');
    await page.getByTestId('instance-row').filter({ hasText: 'prod-web-2' }).click();
    const details = page.getByTestId('instance-details');
    await expect.poll(() => details.getByTestId('shell-document').textContent()).toBe('Default shell');
    await details.getByRole('button', { name: 'Change…' }).click();
    await details.getByLabel('Session document').fill('AWS-StartInteractiveCommand');
    const parameters = details.getByLabel('Parameters, one name=value per line');
    await parameters.fill('just some words');
    await details.getByRole('button', { name: 'Save' }).click();
    await details.getByText('Line 1 needs the form name=value').waitFor();
    expect(await parameters.inputValue()).toBe('just some words');
    await parameters.fill("command=sh -c 'echo chosen-$((40+2)); exec sh'");
    await details.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => details.getByTestId('shell-document').textContent()).toBe('AWS-StartInteractiveCommand');
    await screenshot(page, 'instance-shell-document');
    await page.getByTestId('instance-row').filter({ hasText: 'prod-web-2' }).dblclick();
    await expect
      .poll(() => page.evaluate(() => window.bastionlessTerminals!.tabs().find((t) => t.title === 'prod-web-2')?.state), { timeout: 30_000 })
      .toBe('connected');
    const tabId = await page.evaluate(() => window.bastionlessTerminals!.tabs().find((t) => t.title === 'prod-web-2')!.tabId);
    await expect.poll(() => page.evaluate((id) => window.bastionlessTerminals!.text(id), tabId), { timeout: 30_000 }).toMatch(/^chosen-42$/m);
    await page.getByRole('button', { name: 'Close prod-web-2', includeHidden: true }).click();
    await page.keyboard.press('Control+1');
    await page.getByTestId('instance-row').filter({ hasText: 'prod-web-2' }).click();
    await details.getByRole('button', { name: 'Use the default' }).click();
    await expect.poll(() => details.getByTestId('shell-document').textContent()).toBe('Default shell');
    await page.getByLabel('Search instances').fill('');
  });

  it('switches grouping to regions and renders in the light theme', async () => {
    const { page } = browser;
    await page.getByLabel('Group by').selectOption('region');
    await expect.poll(async () => (await page.getByTestId('parent-row').allTextContents())[0] ?? '').toMatch(/^▾af-south-1/);
    expect(await page.getByTestId('group-row').first().locator('.group-title').textContent()).toBe('shared-services (456789012345)');
    await page.keyboard.press('Control+5');
    await page.getByLabel('Light').check();
    await page.keyboard.press('Control+1');
    await page.getByRole('treegrid', { name: 'Instances' }).waitFor();
    await screenshot(page, 'explorer-light');
    await page.keyboard.press('Control+5');
    await page.getByLabel('Dark').check();
  });
  it('keeps discovery settings, refusing a bad region in place without losing the input', async () => {
    const { page } = browser;
    await page.keyboard.press('Control+5');
    const regions = page.getByLabel('Regions to scan');
    await regions.fill('eu-west-1, moon-base');
    await page.getByRole('button', { name: 'Save' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'region' });
    await alert.waitFor();
    expect(await regions.inputValue()).toBe('eu-west-1, moon-base');
    await regions.fill('eu-west-1');
    const share = page.getByLabel('Share the sign-in with the AWS CLI', { exact: false });
    // Controlled by main's answer: it flips once the setting is stored.
    await share.click();
    await expect.poll(() => share.isChecked()).toBe(true);
    const stored = await page.evaluate(() => window.bastionless!.call('auth.settings', undefined));
    expect(stored).toMatchObject({ shareCliCache: true });
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.evaluate(() => window.bastionless!.call('auth.settings', undefined).then((s) => s.regions))).toEqual(['eu-west-1']);
    await screenshot(page, 'settings-discovery');
    await regions.fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.evaluate(() => window.bastionless!.call('auth.settings', undefined).then((s) => s.regions))).toEqual([]);
  });

  it('Ctrl+K is a command palette: an IP opens a shell, fuzzy names match, commands run, recent first', async () => {
    const { page } = browser;
    await page.keyboard.press('Control+1');
    await page.getByRole('treegrid', { name: 'Instances' }).waitFor();
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    const search = palette.getByRole('combobox', { name: 'Search instances, tunnels and commands' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('combobox');
    const titles = () => palette.getByRole('option').locator('.palette-title').allTextContents();

    // An IP (prod-web-2's) finds its instance; the active option is announced through aria-activedescendant.
    await search.fill('10.0.51.103');
    await expect.poll(titles).toEqual(['prod-web-2']);
    expect(await search.getAttribute('aria-activedescendant')).toBe('palette-option-0');
    await screenshot(page, 'palette-instance');
    await page.keyboard.press('Enter');
    await palette.waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => window.bastionlessTerminals!.tabs().map((t) => t.title)), { timeout: 30_000 }).toContain('prod-web-2');
    await expect.poll(() => page.getByRole('tab', { selected: true }).textContent()).toBe('prod-web-2 · prod/eu-west-1');

    // Letters in order match names ("pdb" → prod-db-bastion); the last command run comes first.
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Instances' }).click();
    await page.keyboard.press('Control+k');
    await expect.poll(() => palette.getByRole('option').first().textContent()).toBe('Recentprod-web-2prod/eu-west-1 · i-0fd2174b7a1c03366 · 10.0.51.103');
    await search.fill('pdb');
    await expect.poll(async () => (await titles())[0]).toBe('prod-db-bastion');
    // Commands: the theme switch runs from the keyboard.
    await search.fill('light theme');
    await expect.poll(titles).toEqual(['Switch to the light theme']);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await palette.waitFor({ state: 'detached' });
    await page.keyboard.press('Control+k');
    await search.fill('sign out');
    await expect.poll(titles).toEqual(['Sign out of bastionless-emulator']);
    await search.fill('zzzz-nothing');
    await expect.poll(() => palette.textContent()).toContain('Nothing matches “zzzz-nothing”.');
    await page.setViewportSize({ width: 900, height: 600 });
    await search.fill('prod');
    await screenshot(page, 'palette-small-light');
    await page.setViewportSize({ width: 1360, height: 820 });
    await page.keyboard.press('Escape');
    await palette.waitFor({ state: 'detached' });
    await page.keyboard.press('Control+k');
    await search.fill('dark theme');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  });
});
