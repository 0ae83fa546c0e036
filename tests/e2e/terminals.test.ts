import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShellStatus } from '../../main/core/shells/types';
import { PREFERENCE_DEFAULTS } from '../../preload/contract';
import { launchBrowser, screenshot, type BrowserSession } from '../support/browser';
import { instanceKey } from '../integration/shells/emulator-shells';
import { startWebShells, type WebShells } from '../integration/shells/web-shells';

/**
 * Tabbed shells end to end: Chromium → web host → shell service → emulator data channel → a real
 * PTY shell. Every assertion reads what xterm shows (its buffer), never our own echo.
 */

const screen = (page: Page, tabId?: string) => page.evaluate((id) => window.bastionlessTerminals!.text(id), tabId);
const tabs = (page: Page) => page.evaluate(() => window.bastionlessTerminals!.tabs());

async function waitForScreen(page: Page, test: (text: string) => boolean, what: string, tabId?: string): Promise<string> {
  let last = '';
  try {
    await expect.poll(async () => test((last = await screen(page, tabId))), { timeout: 30_000 }).toBe(true);
  } catch {
    throw new Error(`timed out waiting for ${what}; the screen shows:\n${last}`);
  }
  return last;
}

/** Lines of the screen after the last prompt line containing `command`. */
function outputOf(text: string, command: string): string[] {
  const lines = text.split('\n');
  const at = lines.map((l, i) => (l.includes(`$ ${command}`) ? i : -1)).filter((i) => i >= 0).pop() ?? -1;
  return at < 0 ? [] : lines.slice(at + 1);
}

async function run(page: Page, command: string, until: (out: string[]) => boolean, tabId?: string): Promise<string[]> {
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
  let out: string[] = [];
  await waitForScreen(page, (t) => until((out = outputOf(t, command))), `output of ${command}`, tabId);
  return out;
}

async function openShell(page: Page, name: string): Promise<string> {
  const before = (await tabs(page)).length;
  await page.evaluate((key) => window.bastionlessTerminals!.open(key), instanceKey(name));
  await expect.poll(async () => (await tabs(page)).length).toBe(before + 1);
  const tab = (await tabs(page))[before]!;
  await waitForScreen(page, (t) => t.includes(`[ec2-user@${name} ~]$`), `the ${name} prompt`, tab.tabId);
  return tab.tabId;
}

describe('tabbed shells in Chromium against the emulator', () => {
  let env: WebShells;
  let browser: BrowserSession;
  const statuses: Array<{ tabId: string; status: ShellStatus }> = [];

  beforeAll(async () => {
    env = await startWebShells();
    env.service.onStatus((tabId, status) => statuses.push({ tabId, status }));
    browser = await launchBrowser({ width: 1200, height: 760 });
    await browser.page.goto(env.web.url);
    await browser.page.getByRole('navigation', { name: 'Views' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await env?.stop();
  });

  it('opens a shell and runs a command; WebGL on the visible tab falls back to DOM on context loss', async () => {
    const { page } = browser;
    // Headless Chromium's WebGL2 is a software rasteriser, which 'auto' passes over; ask for WebGL.
    await env.host.core.preferences.update({ terminal: { ...PREFERENCE_DEFAULTS.terminal, renderer: 'webgl' } });
    const tabId = await openShell(page, 'web-1');
    // The tab says where the instance lives (no inventory here, so the account shows as its id).
    await expect.poll(() => page.getByRole('tab', { selected: true }).textContent()).toBe('web-1 · 123456789012/eu-west-1');
    expect(await run(page, 'echo $((6*7))', (out) => out[0] === '42')).toContain('42');
    expect(await screen(page)).not.toContain('trap');
    await expect.poll(() => page.getByTestId('terminal-status').textContent()).toContain('Connected');
    expect((await tabs(page)).find((t) => t.tabId === tabId)!.renderer).toBe('webgl');
    // Lose the context as a GPU reset (or a 17th context) would: the tab must carry on in DOM.
    await page.evaluate(() => {
      for (const canvas of document.querySelectorAll<HTMLCanvasElement>('.terminal-host canvas')) {
        const gl = canvas.getContext('webgl2');
        gl?.getExtension('WEBGL_lose_context')?.loseContext();
      }
    });
    // xterm's addon waits ~3 s for the context to come back before it reports the loss.
    await expect.poll(async () => (await tabs(page)).find((t) => t.tabId === tabId)!.renderer, { timeout: 15_000 }).toBe('dom');
    expect(await run(page, 'echo dom-$((6*7))', (out) => out[0] === 'dom-42')).toContain('dom-42');
  });

  it('Settings → Terminal: the renderer choice, font size and options apply to open tabs', async () => {
    const { page } = browser;
    const tabId = await openShell(page, 'web-2');
    // 'auto' (the default left in storage is 'webgl' from the first test: reset it) picks DOM here.
    await page.keyboard.press('Control+5');
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await expect.poll(() => page.getByTestId('webgl-probe').textContent()).toMatch(/SwiftShader.*\(software\)/);
    await page.getByLabel('Automatic: WebGL on a hardware GPU, otherwise DOM').check();
    await page.getByLabel('Font size').fill('99');
    await expect.poll(() => page.getByLabel('Font size').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Font size').fill('17');
    await expect.poll(() => page.getByLabel('Font size').getAttribute('aria-invalid')).toBe('false');
    await page.getByLabel('Copy selected text to the clipboard').check();
    await page.getByRole('radiogroup', { name: 'Renderer' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-terminal');
    await page.keyboard.press('Control+2');
    await page.getByRole('tab', { name: 'web-2' }).click();
    await expect.poll(async () => (await tabs(page)).find((t) => t.tabId === tabId)!.renderer).toBe('dom');
    expect(await page.evaluate((id) => window.bastionlessTerminals!.terminal(id)!.options.fontSize, tabId)).toBe(17);
    await page.keyboard.press('Control+5');
    await page.getByLabel('WebGL, even on a software rasteriser').check();
    await page.getByLabel('Font size').fill('14');
    await page.keyboard.press('Control+2');
    await page.getByRole('tab', { name: 'web-2' }).click();
    await expect.poll(async () => (await tabs(page)).find((t) => t.tabId === tabId)!.renderer).toBe('webgl');
    // Saved in preferences.json (through main), not in this browser profile.
    await expect.poll(() => env.host.core.preferences.reload().then((s) => s.preferences.terminal)).toMatchObject({ renderer: 'webgl', fontSize: 14, copyOnSelect: true });
    expect(await run(page, 'echo gl-$((40+2))', (o) => o[0] === 'gl-42', tabId)).toContain('gl-42');
    await page.getByRole('button', { name: 'Close web-2', includeHidden: true }).click();
    await expect.poll(async () => (await tabs(page)).some((t) => t.tabId === tabId)).toBe(false);
  });

  it('stty size matches the tab, before and after a resize', async () => {
    const { page } = browser;
    let tab = (await tabs(page))[0]!;
    let out = await run(page, 'stty size', (o) => /^\d+ \d+$/.test(o[0] ?? ''));
    expect(out[0]).toBe(`${tab.rows} ${tab.cols}`);
    const before = tab.cols;
    await page.setViewportSize({ width: 900, height: 600 });
    try {
      await expect.poll(async () => (await tabs(page))[0]!.cols).toBeLessThan(before);
      tab = (await tabs(page))[0]!;
      // Wait for `clear` to have wiped the screen, or the earlier answer could be read again.
      await page.keyboard.type('clear');
      await page.keyboard.press('Enter');
      await waitForScreen(page, (t) => !t.includes('stty size'), 'the cleared screen');
      out = await run(page, 'stty size', (o) => /^\d+ \d+$/.test(o[0] ?? ''));
      expect(out[0]).toBe(`${tab.rows} ${tab.cols}`);
    } finally {
      await page.setViewportSize({ width: 1200, height: 760 });
    }
  });

  it('renders multibyte UTF-8 split across writes intact', async () => {
    const { page } = browser;
    // The pty hands over the first bytes of 日 and ✓ alone; the rest follows after a pause.
    const command = String.raw`printf 'A\346\227'; sleep 0.3; printf '\245\346\234\254\342\234'; sleep 0.3; printf '\223 ünïcødé 🚀\n'`;
    const out = await run(page, command, (o) => o.some((l) => l.includes('ünïcødé')));
    expect(out[0]).toBe('A日本✓ ünïcødé 🚀');
  });

  it('renders full-screen programs (vi in the alternate screen, top)', async () => {
    const { page } = browser;
    await page.keyboard.type('vi -u NONE notes.txt');
    await page.keyboard.press('Enter');
    await waitForScreen(page, (t) => t.includes('"notes.txt"') && t.includes('~'), 'vi');
    await page.keyboard.type('iHello from vi');
    await page.keyboard.press('Escape');
    await waitForScreen(page, (t) => t.includes('Hello from vi'), 'typed text in vi');
    await page.keyboard.type(':wq');
    await page.keyboard.press('Enter');
    await waitForScreen(page, (t) => !t.includes('"notes.txt"') || t.includes('written'), 'vi to quit');
    const out = await run(page, 'cat notes.txt', (o) => o[0] === 'Hello from vi');
    expect(out[0]).toBe('Hello from vi');
    const top = await run(page, 'top -b -n1 | head -12', (o) => o.some((l) => /PID\s+USER/.test(l)));
    expect(top.some((l) => l.startsWith('top - '))).toBe(true);
    await run(page, 'clear', () => true);
    await run(page, String.raw`printf '\e[1;32mgreen \e[34mblue \e[31mred \e[43;30m yellow \e[0m\n'`, (o) => o.length > 0);
    await run(page, 'ls --color=always -la /etc | head -15', (o) => o.length >= 15);
    await screenshot(page, 'terminal-dark-colour');
  });

  it('a 5,000-line paste arrives whole (sha256 on the remote side)', async () => {
    const { page } = browser;
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${String(i + 1).padStart(4, '0')} ${'abcdefghij'.repeat(i % 7)} ✓`);
    const text = `${lines.join('\n')}\n`;
    const expected = createHash('sha256').update(text).digest('hex');
    await run(page, 'stty -echo; cat > paste.txt; stty echo', () => true);
    await page.evaluate((t) => window.bastionlessTerminals!.paste(t), text);
    await page.keyboard.press('Control+d');
    const out = await run(page, 'wc -l < paste.txt; sha256sum paste.txt', (o) => o.some((l) => l.includes('paste.txt')));
    expect(out[0]).toBe('5000');
    expect(out[1]).toBe(`${expected}  paste.txt`);
  });

  it('reconnects after a dropped socket and the tab keeps working', async () => {
    const { page } = browser;
    const tabId = (await tabs(page))[0]!.tabId;
    statuses.length = 0;
    env.emu.control.setFaults({ dropSocketAfterBytes: 30_000 });
    await run(page, 'seq 1 4000; echo SEQ-"DONE"', (o) => o.includes('SEQ-DONE'));
    env.emu.control.setFaults({ dropSocketAfterBytes: null });
    expect(statuses.filter((s) => s.tabId === tabId).map((s) => s.status.state)).toContain('reconnecting');
    await expect.poll(() => page.getByTestId('terminal-status').textContent()).toContain('Connected');
    const text = await screen(page);
    expect(text).toContain('\n3999\n4000\nSEQ-DONE');
    expect(await run(page, 'echo still-$((40+2))', (o) => o[0] === 'still-42')).toContain('still-42');
  });

  it('runs three tabs to different instances at once', async () => {
    const { page } = browser;
    const second = await openShell(page, 'web-2');
    const third = await openShell(page, 'db-1');
    const first = (await tabs(page))[0]!.tabId;
    // Start a slow command in the third tab, then work in the others while it runs.
    await page.keyboard.type('sleep 1; echo third-$((1+2))');
    await page.keyboard.press('Enter');
    await page.getByRole('tab', { name: 'web-2' }).click();
    await run(page, 'echo second-$((1+1))', (o) => o[0] === 'second-2', second);
    await page.getByRole('tab', { name: 'web-1' }).click();
    await run(page, 'echo first-$((0+1))', (o) => o[0] === 'first-1', first);
    await waitForScreen(page, (t) => t.includes('\nthird-3'), 'the third tab', third);
    expect(await screen(page, second)).toContain('[ec2-user@web-2 ~]$');
    expect(await screen(page, third)).toContain('[ec2-user@db-1 ~]$');
    expect((await tabs(page)).map((t) => t.title)).toEqual(['web-1', 'web-2', 'db-1']);
    await page.evaluate(() => {
      document.documentElement.dataset.theme = 'light';
    });
    await run(page, String.raw`printf '\e[1;32mok \e[35mmagenta \e[0;4munderlined\e[0m\n'`, (o) => o.length > 0, first);
    await run(page, 'ls --color=always -la /usr | head -10', (o) => o.length >= 10, first);
    await screenshot(page, 'terminal-light-tabs');
    await page.evaluate(() => {
      document.documentElement.dataset.theme = 'dark';
    });
  });

  it('floods in the shown tab and in a hidden one at once arrive whole and in order', async () => {
    const { page } = browser;
    const [shown, , hidden] = (await tabs(page)).map((t) => t.tabId);
    // ~2.3 MB each: more than the stream's credit window, so credit must come back many times.
    const command = 'seq 1 320000; echo SEQ-"END"';
    await page.evaluate(({ id, cmd }) => window.bastionlessTerminals!.terminal(id)!.input(`${cmd}\r`, true), { id: hidden!, cmd: command });
    await page.keyboard.type(command);
    await page.keyboard.press('Enter');
    for (const [tabId, what] of [[shown, 'the shown tab'], [hidden, 'the hidden tab']] as const) {
      const lines = (await waitForScreen(page, (t) => t.includes('\nSEQ-END'), what, tabId)).split('\n');
      // The scrollback keeps the last 10,000 lines (the command itself scrolled away): every one
      // of them in sequence, none lost.
      const numbers = lines.slice(0, lines.indexOf('SEQ-END')).filter((l) => /^\d+$/.test(l)).map(Number);
      expect(numbers.length).toBeGreaterThan(9000);
      expect(numbers.at(-1)).toBe(320000);
      expect(numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1)).toBe(true);
    }
  });

  it('numbers a second tab on the same instance, moves along the tabs with the arrow keys, and colours an account', async () => {
    const { page } = browser;
    const again = await openShell(page, 'web-2');
    const labels = () => page.getByRole('tab').allTextContents();
    expect(await labels()).toEqual(['web-1 · 123456789012/eu-west-1', 'web-2 · 123456789012/eu-west-1', 'db-1 · 123456789012/eu-west-1', 'web-2 · 123456789012/eu-west-1 (2)']);

    await page.getByRole('tab', { selected: true }).focus();
    await page.keyboard.press('ArrowRight'); // wraps to the first tab
    await expect.poll(() => page.getByRole('tab', { selected: true }).textContent()).toBe('web-1 · 123456789012/eu-west-1');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('web-1 · 123456789012/eu-west-1');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByRole('tab', { selected: true }).textContent()).toBe('db-1 · 123456789012/eu-west-1');
    await page.keyboard.press('Home');
    await expect.poll(() => page.getByRole('tab', { selected: true }).textContent()).toBe('web-1 · 123456789012/eu-west-1');

    // A colour chosen for the account (Settings → Account colours) marks every one of its tabs.
    expect(await page.locator('.tab[data-colour]').count()).toBe(0);
    await env.host.core.preferences.update({ accountColours: { '123456789012': 'orange' } });
    await expect.poll(() => page.locator('.tab[data-colour="orange"]').count()).toBe(4);
    await screenshot(page, 'terminal-tabs-numbered-coloured');
    await env.host.core.preferences.update({ accountColours: {} });

    await page.getByRole('button', { name: 'Close web-2 · 123456789012/eu-west-1 (2)', includeHidden: true }).click();
    await expect.poll(async () => (await tabs(page)).map((t) => t.tabId)).not.toContain(again);
    await page.getByRole('tab', { name: 'web-1' }).click();
  });

  it('`exit 3` shows "exited with code 3"; closing a tab terminates its session', async () => {
    const { page } = browser;
    await page.keyboard.type('exit 3');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('terminal-status').textContent()).toContain('exited with code 3');
    await screenshot(page, 'terminal-exited');
    const before = (await tabs(page)).length;
    await page.getByRole('button', { name: 'Close web-1', includeHidden: true }).click();
    await expect.poll(async () => (await tabs(page)).length).toBe(before - 1);
    const closed = statuses.length;
    const open = env.service.list().map((t) => t.title);
    expect(open).not.toContain('web-1');
    expect(closed).toBeGreaterThan(0);
  });
});
