import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../support/browser';
import { RENDERER_DIR } from '../support/web-app';
import { instanceKey, shellsAgainst, shellsFixture } from '../integration/shells/emulator-shells';
import { startWebShells } from '../integration/shells/web-shells';
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

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function pageEchoLatencies(page: Page): Promise<number[]> {
  return page.evaluate(async (count) => {
    const term = window.bastionlessTerminals!.terminal()!;
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
  }, KEYS);
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
    page.on('crash', () => console.error('terminal bench: the page crashed'));
    page.on('pageerror', (e) => console.error(`terminal bench: page error ${e.message}`));
    await page.goto(env.web.url);
    await page.evaluate((key) => window.bastionlessTerminals!.open(key), instanceKey('web-1'));
    await page.waitForFunction(() => window.bastionlessTerminals!.text().includes('$ '), undefined, { timeout: 30_000 });
    const renderer = await page.evaluate(() => window.bastionlessTerminals!.tabs()[0]!.renderer);

    // Baseline latency: the core alone (ShellTab write → echoed byte), same PTY kind, same emulator.
    const coreTab = await env.service.open({ instanceKey: instanceKey('web-2') });
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
    await env.service.close(coreTab.id);

    const stack = await pageEchoLatencies(page);
    await page.evaluate(() => window.bastionlessTerminals!.terminal()!.input('\x15', true));

    // Throughput: the remote prints MB megabytes of coloured lines, then a marker.
    const line = '0123456789abcdef'.repeat(4) + ' \x1b[32mgreen\x1b[0m \x1b[1;34mblue\x1b[0m';
    const floodCommand = (mb: number) => `yes '${line.split('\x1b').join("'$'\\e''")}' | head -c ${mb * 1_000_000}; echo; echo BENCH-"END"\r`;
    const command = floodCommand(MB);

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
    await producerUntil('BENCH-END\r\n');
    const producerMBps = MB / ((performance.now() - producerStart) / 1000);
    await env.service.close(producerTab.id);

    // Warm up the page's JIT on a small flood first, as the baseline below is warmed by this run.
    await page.evaluate(async (cmd) => {
      const term = window.bastionlessTerminals!.terminal()!;
      await new Promise<void>((resolve) => {
        const sub = term.onWriteParsed(() => {
          const b = term.buffer.active;
          if (b.getLine(b.baseY + b.cursorY - 1)?.translateToString(true) === 'BENCH-END') {
            sub.dispose();
            resolve();
          }
        });
        term.input(cmd, true);
      });
    }, floodCommand(2));

    const flood = await page.evaluate(async ({ cmd, limitMs }) => {
      const term = window.bastionlessTerminals!.terminal()!;
      const lags: number[] = [];
      let last = performance.now();
      const timer = setInterval(() => {
        const now = performance.now();
        lags.push(now - last - 16);
        last = now;
      }, 16);
      const start = performance.now();
      await new Promise<void>((resolve, reject) => {
        setTimeout(() => {
          const b = term.buffer.active;
          const lines: string[] = [];
          for (let y = 0; y < term.rows; y++) lines.push(b.getLine(b.baseY + y)?.translateToString(true) ?? '');
          reject(new Error(`no BENCH-END after ${limitMs / 1000} s; screen:\n${lines.join('\n')}`));
        }, limitMs);
        const sub = term.onWriteParsed(() => {
          const b = term.buffer.active;
          for (let y = Math.max(0, b.cursorY - 2); y <= b.cursorY; y++) {
            if (b.getLine(b.baseY + y)?.translateToString(true) === 'BENCH-END') {
              sub.dispose();
              resolve();
              return;
            }
          }
        });
        term.input(cmd, true);
      });
      clearInterval(timer);
      return { ms: performance.now() - start, lags };
      // The limit scales with the amount: a hang guard, not a timing assertion.
    }, { cmd: command, limitMs: 60_000 + MB * 5_000 });

    // Baseline: a fresh xterm in the same page writes the same bytes, in 1 MB chunks, alone.
    const alone = await page.evaluate(
      async ({ mb, text }) => {
        const source = window.bastionlessTerminals!.terminal()!;
        const Ctor = source.constructor as new (o: object) => typeof source;
        const host = document.createElement('div');
        host.style.cssText = 'position:fixed;left:0;top:0;width:1180px;height:600px;';
        document.body.appendChild(host);
        const term = new Ctor({ cols: source.cols, rows: source.rows, scrollback: 10_000, allowProposedApi: true });
        term.open(host);
        const unit = new TextEncoder().encode(`${text}\r\n`);
        const chunk = new Uint8Array(1_000_000);
        for (let i = 0; i < chunk.length; i++) chunk[i] = unit[i % unit.length]!;
        const start = performance.now();
        for (let i = 0; i < mb; i++) await new Promise<void>((r) => term.write(chunk, r));
        const ms = performance.now() - start;
        term.dispose();
        host.remove();
        return ms;
      },
      { mb: MB, text: line },
    );

    const stackMBps = MB / (flood.ms / 1000);
    const aloneMBps = MB / (alone / 1000);
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
        notes: `page main-thread lag during flood p99 ${pct(flood.lags, 99).toFixed(0)} ms, max ${Math.max(...flood.lags).toFixed(0)} ms; ${renderer} renderer`,
      },
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
