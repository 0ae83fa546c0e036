import { ClipboardAddon } from '@xterm/addon-clipboard';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import { Terminal } from '@xterm/xterm';
import type { StreamHandle } from '../../../../preload/contract';
import { api } from '../../api';
import { FrameBatcher, animationFrame, idleTime } from './frame-batcher';
import { loadPrefs } from './prefs';
import { currentTheme } from './themes';
import { webglProbe } from './webgl-support';

/**
 * One tab's xterm: lives as long as the tab (not the React view), so switching views or tabs
 * keeps the screen. Output arrives on the tab's stream and goes to xterm at once when the tab is
 * quiet, otherwise once per animation frame in one batched write (frame-batcher.ts); xterm's write
 * callback returns the credit that lets main send more. WebGL renders only while the tab is
 * visible (Chromium allows ~16 contexts per page); without WebGL, or on context loss, xterm's
 * DOM renderer takes over.
 */

export type RendererKind = 'webgl' | 'dom';

/**
 * Where hidden tabs' terminals wait: in the document and laid out, but off screen and inert.
 * Off screen, xterm's own IntersectionObserver pauses their drawing until they are shown again.
 * A terminal taken out of the document gets no intersection updates, so xterm went on drawing
 * it, and measured every glyph's width again each time (a detached element measures 0, which
 * xterm does not cache): with four hidden tabs flooding, that took most of the page's time.
 */
let parking: HTMLElement | undefined;
function parkingLot(): HTMLElement {
  if (!parking) {
    parking = document.createElement('div');
    parking.className = 'terminal-parking';
    parking.inert = true;
    parking.setAttribute('aria-hidden', 'true');
    document.body.appendChild(parking);
  }
  return parking;
}
const encoder = new TextEncoder();
/** Pastes and other large input go to main in pieces of this size. */
const INPUT_FRAME = 64 * 1024;
const isMac = navigator.platform.toLowerCase().includes('mac');

export class TerminalSession {
  readonly term: Terminal;
  readonly host: HTMLDivElement;
  readonly search = new SearchAddon();
  private readonly fit = new FitAddon();
  private webgl: WebglAddon | undefined;
  private webglBroken = false;
  private stream: StreamHandle | undefined;
  private readonly output: FrameBatcher;
  private resizeObserver: ResizeObserver | undefined;
  private lastSent = '';

  constructor(
    readonly tabId: string,
    private readonly onShortcut: (event: KeyboardEvent) => boolean,
    private readonly onSize: (cols: number, rows: number) => void = () => undefined,
  ) {
    const prefs = loadPrefs();
    this.term = new Terminal({
      allowProposedApi: true,
      fontFamily: "ui-monospace, 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Noto Sans Mono', monospace",
      fontSize: prefs.fontSize,
      scrollback: 10_000,
      macOptionIsMeta: prefs.macOptionIsMeta,
      theme: currentTheme(),
      cursorBlink: true,
      minimumContrastRatio: 3,
    });
    this.host = document.createElement('div');
    this.host.className = 'terminal-host';
    this.host.dataset.tabId = tabId;
    this.term.loadAddon(this.fit);
    this.term.loadAddon(this.search);
    this.term.loadAddon(new WebLinksAddon((_event, uri) => window.open(uri, '_blank', 'noopener,noreferrer')));
    this.term.loadAddon(new ClipboardAddon());
    this.term.loadAddon(new Unicode11Addon());
    this.term.unicode.activeVersion = '11';
    parkingLot().appendChild(this.host);
    this.term.open(this.host);
    this.host.dataset.renderer = 'dom';

    this.output = new FrameBatcher((data, parsed) => this.term.write(data, parsed), { frame: animationFrame(), idle: idleTime() });
    this.term.onData((text) => this.send(encoder.encode(text)));
    this.term.onBinary((bin) => this.send(Uint8Array.from(bin, (c) => c.charCodeAt(0) & 0xff)));
    this.term.onResize(({ cols, rows }) => this.sendSize(cols, rows));
    this.term.onSelectionChange(() => {
      if (loadPrefs().copyOnSelect && this.term.hasSelection()) void navigator.clipboard?.writeText(this.term.getSelection()).catch(() => undefined);
    });
    this.term.attachCustomKeyEventHandler((event) => {
      if (event.type === 'keydown' && this.onShortcut(event)) return false;
      const mod = isMac ? event.metaKey : event.ctrlKey;
      // Ctrl/⌘+1…9 switch views: xterm must not take them (it would send ^\ for Ctrl+4 and
      // swallow the event), so they bubble to the app.
      if (mod && !event.altKey && !event.shiftKey && /^[1-9]$/.test(event.key)) return false;
      // Other keys the terminal takes (Ctrl+K is kill-line, not quick connect) stay in it.
      if (mod) event.stopPropagation();
      return true;
    });
  }

  /** Connects to the tab's output: a fresh stream from main, starting with the screen's tail. */
  async attach(): Promise<void> {
    this.stream?.close();
    const { streamId } = await api.call('shells.attach', { tabId: this.tabId });
    const stream = api.openStream(streamId);
    this.stream = stream;
    stream.onData((chunk, done) => this.output.push(chunk, done));
  }

  get renderer(): RendererKind {
    return this.webgl ? 'webgl' : 'dom';
  }

  /** The tab became visible in `container`; it takes the keyboard unless the user is moving along the tab strip. */
  show(container: HTMLElement, focus = true): void {
    if (this.host.parentElement !== container) container.appendChild(this.host);
    this.output.setShown(true);
    this.enableWebgl();
    this.resizeObserver = new ResizeObserver(() => this.refit());
    this.resizeObserver.observe(container);
    this.refit();
    if (focus) this.term.focus();
  }

  /** The tab was hidden: give its WebGL context back. */
  hide(): void {
    this.resizeObserver?.disconnect();
    this.resizeObserver = undefined;
    this.output.setShown(false);
    this.disableWebgl();
    parkingLot().appendChild(this.host);
  }

  refit(): void {
    if (!this.host.isConnected || this.host.clientWidth === 0) return;
    try {
      this.fit.fit();
    } catch {
      // Not laid out yet; the next resize fits.
    }
    this.sendSize(this.term.cols, this.term.rows);
  }

  setFontSize(size: number): void {
    this.term.options.fontSize = size;
    this.refit();
  }

  applyTheme(): void {
    this.term.options.theme = currentTheme();
  }

  applyPrefs(): void {
    this.term.options.macOptionIsMeta = loadPrefs().macOptionIsMeta;
    if (!this.host.isConnected) return;
    if (this.wantsWebgl()) this.enableWebgl();
    else this.disableWebgl();
  }

  /** Screen and scrollback as text, one line per row (what the tests and find read). */
  text(): string {
    const buffer = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines.join('\n');
  }

  dispose(): void {
    this.hide();
    this.host.remove();
    this.output.dispose();
    this.stream?.close();
    this.stream = undefined;
    this.term.dispose();
  }

  private send(bytes: Uint8Array): void {
    const stream = this.stream;
    if (!stream) return;
    for (let at = 0; at < bytes.byteLength; at += INPUT_FRAME) stream.write(bytes.subarray(at, at + INPUT_FRAME));
  }

  private sendSize(cols: number, rows: number): void {
    const key = `${cols}x${rows}`;
    if (key === this.lastSent) return;
    this.lastSent = key;
    this.onSize(cols, rows);
    void api.call('shells.resize', { tabId: this.tabId, size: { cols, rows } }).catch(() => {
      this.lastSent = '';
    });
  }

  private wantsWebgl(): boolean {
    const choice = loadPrefs().renderer;
    return choice === 'webgl' || (choice === 'auto' && webglProbe().hardware);
  }

  private enableWebgl(): void {
    if (this.webgl || this.webglBroken || !this.wantsWebgl()) return;
    try {
      const addon = new WebglAddon();
      addon.onContextLoss(() => {
        // The GPU process reset or the page ran out of contexts: fall back to DOM for this tab.
        this.webglBroken = true;
        this.disableWebgl();
      });
      this.term.loadAddon(addon);
      this.webgl = addon;
      this.host.dataset.renderer = 'webgl';
    } catch {
      // No WebGL2 here (e.g. --disable-gpu): the DOM renderer is already in place.
      this.webglBroken = true;
    }
  }

  private disableWebgl(): void {
    const addon = this.webgl;
    this.webgl = undefined;
    this.host.dataset.renderer = 'dom';
    if (addon) {
      try {
        addon.dispose();
      } catch {
        // A context already lost can fail to dispose; the DOM renderer is back either way.
      }
    }
  }
}
