import type { ShellStatusInfo, ShellTabInfo } from '../../../../preload/contract';
import { api } from '../../api';
import { toIpcError } from '../../hooks/useApi';
import { DEFAULT_PREFS, clampFont, loadPrefs, savePrefs, type TerminalPrefs } from './prefs';
import { TerminalSession } from './terminal-session';

/**
 * The renderer's open tabs, outside React so xterm instances outlive view switches. Components
 * read it through useSyncExternalStore; the instances explorer and the tray call openShell.
 */

export interface TabState {
  tabId: string;
  instanceKey: string;
  title: string;
  platform: ShellTabInfo['platform'];
  status: ShellStatusInfo;
  session: TerminalSession;
}

export interface TerminalsSnapshot {
  tabs: readonly TabState[];
  activeId: string | undefined;
  error: string | undefined;
}

let snapshot: TerminalsSnapshot = { tabs: [], activeId: undefined, error: undefined };
const listeners = new Set<() => void>();
const openedListeners = new Set<() => void>();
let shortcutHandler: (event: KeyboardEvent) => boolean = () => false;
/** The instance the explorer has selected: "new shell" opens there. */
let selectedInstance: string | undefined;

function set(patch: Partial<TerminalsSnapshot>): void {
  snapshot = { ...snapshot, ...patch };
  listeners.forEach((l) => l());
}

export const terminals = {
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  get: (): TerminalsSnapshot => snapshot,
};

/** Called when a shell opens anywhere, so the app can switch to the Terminals view. */
export function onShellOpened(listener: () => void): () => void {
  openedListeners.add(listener);
  return () => openedListeners.delete(listener);
}

/** The view installs its shortcut handler; xterm asks it before taking a key. */
export function setShortcutHandler(handler: (event: KeyboardEvent) => boolean): void {
  shortcutHandler = handler;
}

export function selectInstance(instanceKey: string | undefined): void {
  selectedInstance = instanceKey;
}
export const selectedInstanceKey = () => selectedInstance ?? snapshot.tabs.find((t) => t.tabId === snapshot.activeId)?.instanceKey;

function addTab(info: ShellTabInfo): TabState {
  const session = new TerminalSession(info.tabId, (event) => shortcutHandler(event), (cols, rows) => rememberSize(cols, rows));
  const tab: TabState = { tabId: info.tabId, instanceKey: info.instanceKey, title: info.title, platform: info.platform, status: info.status, session };
  set({ tabs: [...snapshot.tabs, tab] });
  void session.attach().catch((err: unknown) => set({ error: toIpcError(err).message }));
  return tab;
}

/** Opens a shell on an instance in a new tab and shows it. */
export async function openShell(instanceKey: string): Promise<string | undefined> {
  openedListeners.forEach((l) => l());
  try {
    const info = await api.call('shells.open', { instanceKey, size: lastSize });
    addTab(info);
    set({ activeId: info.tabId, error: undefined });
    return info.tabId;
  } catch (err) {
    const e = toIpcError(err);
    set({ error: e.hint ? `${e.message} ${e.hint}` : e.message });
    return undefined;
  }
}

export async function closeTab(tabId: string): Promise<void> {
  const index = snapshot.tabs.findIndex((t) => t.tabId === tabId);
  const tab = snapshot.tabs[index];
  if (!tab) return;
  const rest = snapshot.tabs.filter((t) => t.tabId !== tabId);
  const nextActive = snapshot.activeId === tabId ? rest[Math.min(index, rest.length - 1)]?.tabId : snapshot.activeId;
  set({ tabs: rest, activeId: nextActive });
  tab.session.dispose();
  await api.call('shells.close', { tabId }).catch(() => undefined);
}

export function activate(tabId: string): void {
  if (snapshot.tabs.some((t) => t.tabId === tabId)) set({ activeId: tabId });
}

export function cycle(step: 1 | -1): void {
  const { tabs, activeId } = snapshot;
  if (tabs.length === 0) return;
  const at = tabs.findIndex((t) => t.tabId === activeId);
  set({ activeId: tabs[(at + step + tabs.length) % tabs.length]!.tabId });
}

export function changeFontSize(delta: number | 'reset'): void {
  const { fontSize } = loadPrefs();
  updatePrefs({ fontSize: delta === 'reset' ? DEFAULT_PREFS.fontSize : fontSize + delta });
}

/** Saves terminal preferences and applies them to every open tab. */
export function updatePrefs(change: Partial<TerminalPrefs>): TerminalPrefs {
  const prefs = { ...loadPrefs(), ...change };
  prefs.fontSize = clampFont(prefs.fontSize);
  savePrefs(prefs);
  for (const t of snapshot.tabs) {
    t.session.setFontSize(prefs.fontSize);
    t.session.applyPrefs();
  }
  return prefs;
}

/** Size of the last fitted terminal: a new tab starts with it, then fits exactly. */
let lastSize = { cols: 120, rows: 32 };
export function rememberSize(cols: number, rows: number): void {
  lastSize = { cols, rows };
}

// Status from main; and the tabs main already has (a reloaded window, or the previous run's).
api.on('shells.status', ({ tabId, status }) => {
  if (!snapshot.tabs.some((t) => t.tabId === tabId)) return;
  set({ tabs: snapshot.tabs.map((t) => (t.tabId === tabId ? { ...t, status } : t)) });
});
void api.call('shells.list', undefined).then(
  (list) => {
    for (const info of list) if (!snapshot.tabs.some((t) => t.tabId === info.tabId)) addTab(info);
    if (!snapshot.activeId && snapshot.tabs[0]) set({ activeId: snapshot.tabs[0].tabId });
  },
  () => undefined,
);

// Theme follows the app's.
new MutationObserver(() => snapshot.tabs.forEach((t) => t.session.applyTheme())).observe(document.documentElement, {
  attributes: true,
  attributeFilter: ['data-theme'],
});

/** For end-to-end tests: read what xterm shows, not what was typed. */
declare global {
  interface Window {
    bastionlessTerminals?: {
      tabs(): Array<{ tabId: string; title: string; state: string; renderer: string; cols: number; rows: number }>;
      text(tabId?: string): string;
      /** Pastes as the clipboard would (xterm's paste path: bracketed paste, line endings). */
      paste(text: string, tabId?: string): void;
      open(instanceKey: string): Promise<string | undefined>;
      /** The xterm instance itself, for in-page measurements (bench). */
      terminal(tabId?: string): import('@xterm/xterm').Terminal | undefined;
    };
  }
}
window.bastionlessTerminals = {
  tabs: () =>
    snapshot.tabs.map((t) => ({ tabId: t.tabId, title: t.title, state: t.status.state, renderer: t.session.renderer, cols: t.session.term.cols, rows: t.session.term.rows })),
  text: (tabId) => snapshot.tabs.find((t) => t.tabId === (tabId ?? snapshot.activeId))?.session.text() ?? '',
  open: (instanceKey) => openShell(instanceKey),
  terminal: (tabId) => snapshot.tabs.find((t) => t.tabId === (tabId ?? snapshot.activeId))?.session.term,
  paste: (text, tabId) => snapshot.tabs.find((t) => t.tabId === (tabId ?? snapshot.activeId))?.session.term.paste(text),
};
