import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Terminal } from '@xterm/xterm';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../support/browser';
import { RENDERER_DIR } from '../support/web-app';
import { instanceKey, shellsAgainst, shellsFixture } from '../integration/shells/emulator-shells';
import { startWebShells } from '../integration/shells/web-shells';
import type { ShellService } from '../../main/core/shells/service';
import { startRemoteEmulator } from './support/remote-emulator';
import type { BenchResult } from './types';

/**
 * Terminal figures through the whole stack: Chromium (xterm) → web host → shell service → data
 * channel → emulator agent → a real PTY, and back.
 *  - keystroke-to-echo latency (p50/p99), measured in the page from xterm's input to the echoed
 *    character parsed into xterm's buffer; baseline: the same round trip from the core alone.
 *  - render throughput of N MB of shell output versus xterm writing the same bytes alone in the
 *    same page (ratio, goal ≥ 0.8), with the page's main-thread lag during the flood.
 */

const MB = Number(process.env.BENCH_TERMINAL_MB ?? 100);
const KEYS = 200;

/** The p-th percentile; NaN without samples (shown as such rather than failing the run). */
const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : Number.NaN);

/** Keystroke→echo latencies in one tab (the shown one unless `tabId` names another). */
async function pageEchoLatencies(page: Page, tabId?: string): Promise<number[]> {
  return page.evaluate(async ({ count, tabId }) => {
    const term = window.bastionlessTerminals!.terminal(tabId)!;
    const cursorLine = () => term.buffer.active.getLine(term.buffer.active.baseY + term.buffer.active.cursorY)?.translateToString(true) ?? '';
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const ch = String.fromCharCode(97 + (i % 26));
      const before = cursorLine();
      const start = performance.now();
      await new Promise<void>((resolve) => {
        const sub = term.onWriteParsed(() => {
          if (cursorLine() === before + ch) {
            sub.dispose();
            resolve();
          }
        });
        term.input(ch, true);
      });
      out.push(performance.now() - start);
      if (i % 40 === 39) {
        // Keep the line short: erase what we typed (Ctrl-U) and wait for the prompt line.
        await new Promise<void>((resolve) => {
          const sub = term.onWriteParsed(() => {
            if (cursorLine().endsWith('$ ')) {
              sub.dispose();
              resolve();
            }
          });
          term.input('\x15', true);
        });
      }
    }
    return out;
  }, { count: KEYS, tabId });
}

type FrameCount = { renders: number; pageFrames: number };
type MeterWindow = { meterFrames(term: Terminal): () => FrameCount; meterLag(): () => number[] };

/**
 * Installed in the page: the main thread's lag, as how late each 16 ms timer fires, from now
 * until the returned function is called, which stops and reads them.
 */
function meterLag(): () => number[] {
  const lags: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    lags.push(now - last - 16);
    last = now;
  }, 16);
  return () => {
    clearInterval(timer);
    return lags;
  };
}

/**
 * Installed in the page: counts xterm's renders of `term` (its onRender events) and the page's
 * animation frames from now until the returned function is called, which stops and reads both.
 */
function meterFrames(term: Terminal): () => FrameCount {
  let renders = 0;
  const sub = term.onRender(() => renders++);
  let pageFrames = 0;
  let counting = true;
  const tick = () => {
    pageFrames++;
    if (counting) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return () => {
    counting = false;
    sub.dispose();
    return { renders, pageFrames };
  };
}

/** The app's xterm addons, as their UMD bundles name themselves on globalThis. */
const ADDONS = ['FitAddon', 'SearchAddon', 'WebLinksAddon', 'ClipboardAddon', 'Unicode11Addon'] as const;
type AddonName = (typeof ADDONS)[number];
const addonPackage = (name: AddonName) => `addon-${name.replace(/Addon$/, '').replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`;

/** Puts the addons' UMD bundles on the page's globalThis (evaluate is not bound by the page's CSP). */
async function loadAddonBundles(page: Page): Promise<void> {
  for (const name of ADDONS) {
    const pkg = addonPackage(name);
    await page.evaluate(readFileSync(join('node_modules', '@xterm', pkg, 'lib', `${pkg}.js`), 'utf8'));
  }
}

/**
 * A fresh xterm in the page (the app's own Terminal class, DOM renderer, laid over the app) writes
 * `mb` MB of `text` lines in 1 MB writes, each awaited, with the given addons loaded as the app
 * loads them; returns its time, its renders, the page's animation frames and its lag meanwhile.
 */
async function xtermAlone(page: Page, mb: number, text: string, addons: readonly AddonName[] = []): Promise<{ ms: number; lags: number[] } & FrameCount> {
  return page.evaluate(
    async ({ mb, text, addons }) => {
      const source = window.bastionlessTerminals!.terminal()!;
      const Ctor = source.constructor as new (o: object) => typeof source;
      const host = document.createElement('div');
      host.style.cssText = 'position:fixed;left:0;top:0;width:1180px;height:600px;';
      document.body.appendChild(host);
      const term = new Ctor({ cols: source.cols, rows: source.rows, scrollback: 10_000, allowProposedApi: true });
      const bundles = globalThis as unknown as Record<string, Record<string, new () => Parameters<typeof term.loadAddon>[0]>>;
      for (const name of addons) term.loadAddon(new bundles[name]![name]!());
      if (addons.includes('Unicode11Addon')) term.unicode.activeVersion = '11';
      term.open(host);
      const unit = new TextEncoder().encode(`${text}\r\n`);
      const chunk = new Uint8Array(1_000_000);
      for (let i = 0; i < chunk.length; i++) chunk[i] = unit[i % unit.length]!;
      const lagsSoFar = (window as unknown as MeterWindow).meterLag();
      const frames = (window as unknown as MeterWindow).meterFrames(term);
      const start = performance.now();
      for (let i = 0; i < mb; i++) await new Promise<void>((r) => term.write(chunk, r));
      const ms = performance.now() - start;
      const counted = { ...frames(), lags: lagsSoFar() };
      term.dispose();
      host.remove();
      return { ms, ...counted };
    },
    { mb, text, addons },
  );
}

/** Keystroke→echo latencies through the core alone: a shell tab of the service, no browser. */
async function coreEchoLatencies(service: ShellService): Promise<number[]> {
  const coreTab = await service.open({ instanceKey: instanceKey('web-2') });
  let coreText = '';
  let wake: () => void = () => undefined;
  coreTab.attachOutput(async (c) => {
    coreText += Buffer.from(c).toString('utf8');
    wake();
  });
  const waitCore = (test: () => boolean) => new Promise<void>((r) => (test() ? r() : (wake = () => test() && r())));
  await waitCore(() => coreText.includes('$ '));
  const core: number[] = [];
  for (let i = 0; i < KEYS; i++) {
    const ch = String.fromCharCode(97 + (i % 26));
    const mark = coreText.length;
    const start = performance.now();
    coreTab.write(Buffer.from(ch));
    await waitCore(() => coreText.indexOf(ch, mark) >= 0);
    core.push(performance.now() - start);
    if (i % 40 === 39) {
      const m = coreText.length;
      coreTab.write(Buffer.from('\x15'));
      await waitCore(() => coreText.length > m);
    }
  }
  await service.close(coreTab.id);
  return core;
}

/**
 * Four tabs run an endless flood (`yes` of `line`) while a fifth, the one shown, echoes keystrokes; then
 * each flood is interrupted and waited for its prompt. Returns the fifth tab's echo latencies and
 * how fast the hidden tabs parsed output meanwhile (their line feeds × the line's bytes).
 */
async function echoWhileOthersFlood(page: Page, service: ShellService, yes: string, line: string): Promise<{ latencies: number[]; floodMBps: number; lags: number[]; core: number[] }> {
  const open = (key: string) => page.evaluate((k) => window.bastionlessTerminals!.open(k), key);
  const floodTabs: string[] = [];
  for (let i = 0; i < 4; i++) floodTabs.push((await open(instanceKey(i % 2 === 0 ? 'web-1' : 'web-2')))!);
  const echoTab = (await open(instanceKey('web-1')))!;
  const prompted = (tabs: string[]) =>
    page.waitForFunction(
      (ids) =>
        ids.every((id) => {
          const b = window.bastionlessTerminals!.terminal(id)!.buffer.active;
          return (b.getLine(b.baseY + b.cursorY)?.translateToString(true) ?? '').endsWith('$ ');
        }),
      tabs,
      { timeout: 60_000 },
    );
  await prompted([...floodTabs, echoTab]);
  const lineBytes = Buffer.byteLength(`${line}\r\n`);
  await page.evaluate(
    ({ ids, cmd }) => {
      const feeds = ids.map((id) => {
        const term = window.bastionlessTerminals!.terminal(id)!;
        let count = 0;
        term.onLineFeed(() => count++);
        term.input(cmd, true);
        return () => count;
      });
      (window as unknown as { floodFeeds: () => number }).floodFeeds = () => feeds.reduce((sum, f) => sum + f(), 0);
    },
    { ids: floodTabs, cmd: `${yes}\r` },
  );
  // Every flood is under way before the keys start.
  await page.waitForFunction(() => (window as unknown as { floodFeeds: () => number }).floodFeeds() > 40_000, undefined, { timeout: 60_000 });
  const feeds = () => page.evaluate(() => (window as unknown as { floodFeeds: () => number }).floodFeeds());
  const before = await feeds();
  const start = performance.now();
  await page.evaluate(() => {
    (window as unknown as { stopLags: () => number[] }).stopLags = (window as unknown as MeterWindow).meterLag();
  });
  const latencies = await pageEchoLatencies(page, echoTab);
  const lags = await page.evaluate(() => (window as unknown as { stopLags: () => number[] }).stopLags());
  const floodMBps = (((await feeds()) - before) * lineBytes) / 1e6 / ((performance.now() - start) / 1000);
  const core = await coreEchoLatencies(service);
  await page.evaluate((ids) => ids.forEach((id) => window.bastionlessTerminals!.terminal(id)!.input('\x03', true)), floodTabs);
  await prompted(floodTabs);
  return { latencies, floodMBps, lags, core };
}

export async function run(): Promise<BenchResult[]> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error('terminal bench needs the built renderer: run `npm run build:renderer` first');
  // The agent's PTY reads run in their own process, as they do on a real instance: on our event
  // loop they were paced by our work (one ~4 KiB kernel buffer per turn).
  const env = await startWebShells(await shellsAgainst(await startRemoteEmulator({ fixture: shellsFixture(), autoApprove: true }, 'process')));
  const browser = await launchBrowser({ width: 1200, height: 760 });
  try {
    const { page } = browser;
    // tsx (esbuild keepNames) wraps named functions in the evaluated code with __name().
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    await page.addInitScript({ content: `window.meterFrames = ${meterFrames.toString()}; window.meterLag = ${meterLag.toString()};` });
    page.on('crash', () => console.error('terminal bench: the page crashed'));
    page.on('pageerror', (e) => console.error(`terminal bench: page error ${e.message}`));
    await page.goto(env.web.url);
    await page.evaluate((key) => window.bastionlessTerminals!.open(key), instanceKey('web-1'));
    await page.waitForFunction(() => window.bastionlessTerminals!.text().includes('$ '), undefined, { timeout: 30_000 });
    const renderer = await page.evaluate(() => window.bastionlessTerminals!.tabs()[0]!.renderer);

    // Baseline latency: the core alone (ShellTab write → echoed byte), same PTY kind, same emulator.
    const core = await coreEchoLatencies(env.service);

    const stack = await pageEchoLatencies(page);
    await page.evaluate(() => window.bastionlessTerminals!.terminal()!.input('\x15', true));

    // Throughput: the remote prints MB megabytes of coloured lines, then a marker.
    const line = '0123456789abcdef'.repeat(4) + ' \x1b[32mgreen\x1b[0m \x1b[1;34mblue\x1b[0m';
    const yes = `yes '${line.split('\x1b').join("'$'\\e''")}'`;
    // Each flood ends with its own marker: the warm-up's, still on screen, must not end the next.
    const floodCommand = (mb: number, tag: string) => `${yes} | head -c ${mb * 1_000_000}; echo; echo BENCH-"END"-${tag}\r`;
    const command = floodCommand(MB, 'flood');

    // The producer alone: the same flood read by the core with nothing behind it (emulator, PTY
    // and data channel share this machine's cores, so this bounds what any renderer could get here).
    const producerTab = await env.service.open({ instanceKey: instanceKey('web-2') });
    let producerTail = '';
    let producerWake: () => void = () => undefined;
    producerTab.attachOutput(async (c) => {
      producerTail = (producerTail + Buffer.from(c).toString('latin1')).slice(-64);
      producerWake();
    });
    const producerUntil = (needle: string) => new Promise<void>((r) => (producerTail.includes(needle) ? r() : (producerWake = () => producerTail.includes(needle) && r())));
    await producerUntil('$ ');
    const producerStart = performance.now();
    producerTab.write(Buffer.from(command));
    await producerUntil('BENCH-END-flood\r\n');
    const producerMBps = MB / ((performance.now() - producerStart) / 1000);
    await env.service.close(producerTab.id);

    // Warm up the page's JIT on a small flood first, as the baseline below is warmed by this run.
    await page.evaluate(async (cmd) => {
      const term = window.bastionlessTerminals!.terminal()!;
      await new Promise<void>((resolve) => {
        const sub = term.onWriteParsed(() => {
          const b = term.buffer.active;
          if (b.getLine(b.baseY + b.cursorY - 1)?.translateToString(true) === 'BENCH-END-warm') {
            sub.dispose();
            resolve();
          }
        });
        term.input(cmd, true);
      });
    }, floodCommand(2, 'warm'));

    const flood = await page.evaluate(async ({ cmd, limitMs }) => {
      const term = window.bastionlessTerminals!.terminal()!;
      const lagsSoFar = (window as unknown as MeterWindow).meterLag();
      const frames = (window as unknown as MeterWindow).meterFrames(term);
      const start = performance.now();
      await new Promise<void>((resolve, reject) => {
        setTimeout(() => {
          const b = term.buffer.active;
          const lines: string[] = [];
          for (let y = 0; y < term.rows; y++) lines.push(b.getLine(b.baseY + y)?.translateToString(true) ?? '');
          reject(new Error(`no BENCH-END-flood after ${limitMs / 1000} s; screen:\n${lines.join('\n')}`));
        }, limitMs);
        const sub = term.onWriteParsed(() => {
          const b = term.buffer.active;
          for (let y = Math.max(0, b.cursorY - 2); y <= b.cursorY; y++) {
            if (b.getLine(b.baseY + y)?.translateToString(true) === 'BENCH-END-flood') {
              sub.dispose();
              resolve();
              return;
            }
          }
        });
        term.input(cmd, true);
      });
      const ms = performance.now() - start;
      return { ms, lags: lagsSoFar(), ...frames() };
      // The limit scales with the amount: a hang guard, not a timing assertion.
    }, { cmd: command, limitMs: 60_000 + MB * 5_000 });

    // Baseline: a fresh xterm in the same page writes the same bytes, in 1 MB chunks, alone.
    const alone = await xtermAlone(page, MB, line);

    // Addons one by one: each on a fresh xterm against a bare one, same bytes, same page; rounds
    // interleave them in turn and the fastest of each counts (the least disturbed by the machine's load).
    await loadAddonBundles(page);
    const addonMB = 5;
    const variants: Array<[string, readonly AddonName[]]> = [['none', []], ...ADDONS.map((a): [string, AddonName[]] => [a, [a]]), ['all of them', ADDONS]];
    const fastest = new Map<string, number>();
    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      // Each round starts with another variant, so none always follows the same one.
      for (const [label, addons] of [...variants.slice(round % variants.length), ...variants.slice(0, round % variants.length)]) {
        const { ms } = await xtermAlone(page, addonMB, line, addons);
        fastest.set(label, Math.min(fastest.get(label) ?? Infinity, ms));
      }
    }
    const bareMs = fastest.get('none')!;
    fastest.delete('none');

    const crowd = await echoWhileOthersFlood(page, env.service, yes, line);

    const stackMBps = MB / (flood.ms / 1000);
    const aloneMBps = MB / (alone.ms / 1000);
    return [
      {
        name: 'keystroke→echo p50, browser→PTY→xterm',
        value: pct(stack, 50),
        unit: 'ms',
        baseline: { name: 'core only p50', value: pct(core, 50), unit: 'ms' },
        ratio: pct(stack, 50) / pct(core, 50),
        notes: `${KEYS} keys, ${renderer} renderer`,
      },
      {
        name: 'keystroke→echo p99, browser→PTY→xterm',
        value: pct(stack, 99),
        unit: 'ms',
        baseline: { name: 'core only p99', value: pct(core, 99), unit: 'ms' },
        ratio: pct(stack, 99) / pct(core, 99),
      },
      {
        name: `render throughput, ${MB} MB shell output`,
        value: stackMBps,
        unit: 'MB/s',
        baseline: { name: 'xterm alone, same bytes, same page', value: aloneMBps, unit: 'MB/s' },
        ratio: stackMBps / aloneMBps,
        notes: `page main-thread lag during flood p99 ${pct(flood.lags, 99).toFixed(0)} ms, max ${Math.max(...flood.lags).toFixed(0)} ms (xterm alone: p99 ${pct(alone.lags, 99).toFixed(0)} ms); ${renderer} renderer`,
      },
      {
        name: 'terminal: frames per MB vs xterm alone',
        value: flood.renders / MB,
        unit: 'frames/MB',
        baseline: { name: 'xterm alone, same bytes, same page', value: alone.renders / MB, unit: 'frames/MB' },
        ratio: flood.renders / alone.renders,
        notes: `xterm renders during the ${MB} MB flood: ${flood.renders} vs ${alone.renders}; page animation frames ${flood.pageFrames} vs ${alone.pageFrames}`,
      },
      {
        name: 'terminal: echo p50 while four tabs flood',
        value: pct(crowd.latencies, 50),
        unit: 'ms',
        baseline: { name: 'one tab alone p50', value: pct(stack, 50), unit: 'ms' },
        ratio: pct(crowd.latencies, 50) / pct(stack, 50),
        notes: `${KEYS} keys in a fifth tab; the four hidden tabs parsed ${crowd.floodMBps.toFixed(1)} MB/s of output between them meanwhile; page main-thread lag p99 ${pct(crowd.lags, 99).toFixed(0)} ms; core-only echo under the same floods p50 ${pct(crowd.core, 50).toFixed(1)} ms, p99 ${pct(crowd.core, 99).toFixed(1)} ms`,
      },
      {
        name: 'terminal: echo p99 while four tabs flood',
        value: pct(crowd.latencies, 99),
        unit: 'ms',
        baseline: { name: 'one tab alone p99', value: pct(stack, 99), unit: 'ms' },
        ratio: pct(crowd.latencies, 99) / pct(stack, 99),
      },
      ...[...fastest].map(([addon, ms]) => ({
        name: `terminal: xterm + ${addon} vs xterm alone`,
        value: addonMB / (ms / 1000),
        unit: 'MB/s',
        baseline: { name: 'xterm alone, same bytes, same page', value: addonMB / (bareMs / 1000), unit: 'MB/s' },
        ratio: bareMs / ms,
        notes: `${addonMB} MB in 1 MB writes, fastest of ${rounds} rounds${addon === 'all of them' ? `: ${ADDONS.join(', ')} (Unicode 11 widths active), as a tab loads them` : ''}`,
      })),
      {
        name: `producer alone (emulator PTY → data channel → core), ${MB} MB`,
        value: producerMBps,
        unit: 'MB/s',
        baseline: { name: 'xterm alone', value: aloneMBps, unit: 'MB/s' },
        ratio: producerMBps / aloneMBps,
        notes: 'the ceiling for the stack on this machine: emulator, PTY and core share its cores',
      },
    ];
  } finally {
    await browser.close();
    await env.stop();
  }
}
