import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FIXTURE } from '../../emulator/demo';
import { loadFixtureFile } from '../../emulator/index';
import { screenshot } from '../support/browser';
import { startSignedInBrowser, type SignedInBrowser } from '../support/signed-in-browser';

/**
 * Signing out with work open, the cached list afterwards, and managing sources from Settings
 * (add, remove, sign in again) while instances are listed.
 */
describe('sign-out and sign-in sources', () => {
  let world: SignedInBrowser;
  let sourceId: string;
  const tabs = () => world.browser.page.evaluate(() => window.bastionlessTerminals!.tabs().map((t) => t.state));

  beforeAll(async () => {
    world = await startSignedInBrowser(loadFixtureFile(DEMO_FIXTURE), 'tests/e2e/sign-out.test.ts');
    sourceId = world.app.host.core.auth.sources().find((s) => s.kind === 'sso')!.id;
    await world.browser.page.goto(world.app.web.url);
    await world.browser.page.getByTestId('instance-row').first().waitFor();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('asks about an open shell, keeps it when told to, and shows the list as cached', async () => {
    const { page } = world.browser;
    const views = page.getByRole('navigation', { name: 'Views' });
    await page.getByTestId('instance-row').filter({ hasText: 'prod-web-1' }).dblclick();
    await expect.poll(tabs, { timeout: 30_000 }).toEqual(['connected']);

    await views.getByRole('button', { name: 'Instances' }).click();
    const card = page.getByTestId(`source-${sourceId}`);
    await card.getByRole('button', { name: 'Sign out' }).click();
    const confirm = card.getByRole('alertdialog', { name: /^Sign out of / });
    expect(await confirm.textContent()).toContain(`1 shell is open through ${sourceId}. Kept open, they work until their role credentials expire`);
    await screenshot(page, 'sign-out-confirm');
    await confirm.getByRole('button', { name: 'Keep them open and sign out' }).click();
    await expect.poll(() => card.getByTestId('source-state').textContent()).toBe('Signed out');
    expect(await tabs()).toEqual(['connected']);

    // The list stays, said to be the last one, and will not open a shell without credentials.
    const banner = page.getByTestId('cached-banner');
    expect(await banner.textContent()).toMatch(new RegExp(`^Signed out of ${sourceId}: its instances below are the list of today at \\d\\d?:\\d\\d( [AP]M)?\\. Shells and tunnels on them need you to sign in again\\.$`));
    const row = page.getByTestId('instance-row').filter({ hasText: 'prod-web-2' });
    expect(await row.getAttribute('title')).toBe('From the last list: sign in again to connect');
    await row.dblclick();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Signed out of' }).textContent()).toContain('this instance is from the list of today at');
    expect(await tabs()).toEqual(['connected']);
    await screenshot(page, 'sign-out-cached-list');
  });

  it('Settings adds and removes a start URL while instances are listed, and signs in again', async () => {
    const { page } = world.browser;
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Settings' }).click();
    const group = page.getByRole('group', { name: 'Sign-in sources' });
    expect(await group.getByTestId(`source-${sourceId}`).textContent()).toContain('from ~/.aws/config');
    await group.getByLabel('Start URL', { exact: true }).fill('https://other-org.awsapps.com/start');
    await group.getByLabel('Identity Center region', { exact: true }).fill('us-east-1');
    await group.getByRole('button', { name: 'Add' }).click();
    const added = group.getByTestId('source-other-org');
    await added.waitFor();
    expect(await added.textContent()).toContain('added in Bastionless');
    await screenshot(page, 'settings-sources');
    await page.setViewportSize({ width: 900, height: 600 });
    await screenshot(page, 'settings-sources-900');
    await page.setViewportSize({ width: 1280, height: 800 });
    await added.getByRole('button', { name: 'Remove other-org' }).click();
    const confirm = added.getByRole('alertdialog', { name: 'Remove other-org?' });
    expect(await confirm.textContent()).toContain('forgets its start URL, its sign-in and the instances found through it');
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await added.waitFor({ state: 'detached' });
    expect(world.app.host.core.auth.sources().map((s) => s.id)).not.toContain('other-org');
    // A config-file source has no Remove: it is the user's file to edit.
    expect(await group.getByTestId(`source-${sourceId}`).getByRole('button', { name: /^Remove/ }).count()).toBe(0);

    const card = group.getByTestId(`source-${sourceId}`);
    await card.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => card.getByTestId('source-state').textContent(), { timeout: 30_000 }).toBe('Signed in');
    expect(await card.getByRole('button', { name: 'Sign in again' }).count()).toBe(1);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Instances' }).click();
    await page.getByTestId('instance-row').first().waitFor();
    expect(await page.getByTestId('cached-banner').count()).toBe(0);
  });

  it('"Close them and sign out" closes the shell it named', async () => {
    const { page } = world.browser;
    const card = page.getByTestId(`source-${sourceId}`);
    await card.getByRole('button', { name: 'Sign out' }).click();
    await card.getByRole('alertdialog', { name: /^Sign out of / }).getByRole('button', { name: 'Close them and sign out' }).click();
    await expect.poll(tabs).toEqual([]);
    await expect.poll(() => card.getByTestId('source-state').textContent()).toBe('Signed out');
  });
});
