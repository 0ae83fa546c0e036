import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousA11yFindings } from '../support/axe';
import { launchBrowser, screenshot, type BrowserSession } from '../support/browser';
import { startDemo, stopDemo, type DemoProcess } from '../support/demo';

/**
 * axe-core over the screens a user spends the day in, on the demo as `npm run demo` starts it,
 * in both themes: no serious or critical WCAG 2.1 AA finding (contrast, names, roles, ARIA).
 */
describe('accessibility (axe-core) of the main screens', () => {
  let demo: DemoProcess;
  let browser: BrowserSession;

  beforeAll(async () => {
    demo = await startDemo();
    browser = await launchBrowser({ colorScheme: 'dark' });
    await browser.page.goto(demo.url);
    await browser.page.getByRole('treegrid', { name: 'Instances' }).waitFor();
    await browser.page.getByTestId('instance-row').first().waitFor({ timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
    if (demo) await stopDemo(demo);
  });

  for (const theme of ['dark', 'light'] as const) {
    it(`${theme}: instance list, shell tab, tunnel dialog and Settings`, async () => {
      const { page } = browser;
      const views = page.getByRole('navigation', { name: 'Views' });
      await page.evaluate((t) => window.bastionless!.call('prefs.update', { theme: t }), theme);
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
      const findings: Record<string, unknown> = {};

      await views.getByRole('button', { name: 'Instances' }).click();
      await page.getByTestId('instance-row').first().waitFor();
      findings['instance list'] = await seriousA11yFindings(page);

      await page.getByTestId('instance-row').first().dblclick();
      await views.getByRole('button', { name: 'Terminals' }).waitFor();
      await page.getByRole('tab', { selected: true }).waitFor();
      await expect.poll(() => page.getByTestId('terminal-status').textContent(), { timeout: 30_000 }).toContain('Connected');
      findings['shell tab'] = await seriousA11yFindings(page);
      await screenshot(page, `a11y-shell-${theme}`);

      await views.getByRole('button', { name: 'Tunnels' }).click();
      await page.getByRole('button', { name: 'New tunnel…' }).click();
      const dialog = page.getByRole('dialog', { name: 'New tunnel profile' });
      await dialog.waitFor();
      // The dialog opens with the focus in its instance search, its list open.
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('combobox');
      findings['tunnel dialog'] = await seriousA11yFindings(page);
      await screenshot(page, `a11y-tunnel-dialog-${theme}`);
      await page.keyboard.press('Escape'); // closes the list
      await page.keyboard.press('Escape'); // closes the dialog
      await dialog.waitFor({ state: 'detached' });
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('New tunnel…');

      await views.getByRole('button', { name: 'Settings' }).click();
      await page.getByRole('heading', { name: 'Settings' }).waitFor();
      findings.settings = await seriousA11yFindings(page);

      expect(findings).toEqual({ 'instance list': [], 'shell tab': [], 'tunnel dialog': [], settings: [] });
    });
  }
});
