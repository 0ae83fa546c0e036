import '@xterm/xterm/css/xterm.css';
import './terminals.css';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import type { ShellStatusInfo } from '../../../../preload/contract';
import {
  activate,
  changeFontSize,
  closeTab,
  cycle,
  openShell,
  selectedInstanceKey,
  setShortcutHandler,
  terminals,
  type TabState,
} from './terminal-store';
import { accountColour } from '../accounts/account-colour';
import { useAccountNames } from '../accounts/useAccountNames';
import { usePreferences } from '../../preferences';
import { tabLabels } from './tab-labels';
import { useCountdowns } from '../countdowns/countdown-store';
import { CountdownBadge } from '../countdowns/CountdownBadge';
import { CountdownLine, countdownText } from '../countdowns/CountdownLine';
import { doctorSubject, openDoctor } from '../doctor/doctor-store';

const isMac = navigator.platform.toLowerCase().includes('mac');

function statusText(status: ShellStatusInfo): string {
  switch (status.state) {
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return 'Connected';
    case 'reconnecting':
      return status.attempt ? `Reconnecting (attempt ${status.attempt})…` : 'Reconnecting…';
    case 'exited':
    case 'failed':
      return status.message;
  }
}

/**
 * App shortcuts inside and outside the terminal (Ctrl+Shift on Linux/Windows, Cmd on macOS, as
 * terminals do, so plain Ctrl+letter keeps reaching the shell). Returns true when handled.
 */
function handleShortcut(event: KeyboardEvent, openFind: () => void): boolean {
  const mod = isMac ? event.metaKey && !event.ctrlKey : event.ctrlKey && event.shiftKey;
  const fontMod = isMac ? event.metaKey : event.ctrlKey;
  const { activeId } = terminals.get();
  let handled = true;
  if (event.ctrlKey && (event.key === 'PageDown' || (event.key === 'Tab' && !event.shiftKey))) cycle(1);
  else if (event.ctrlKey && (event.key === 'PageUp' || (event.key === 'Tab' && event.shiftKey))) cycle(-1);
  else if (mod && event.key.toLowerCase() === 't') {
    const key = selectedInstanceKey();
    if (key) void openShell(key);
  } else if (mod && event.key.toLowerCase() === 'w') {
    if (activeId) void closeTab(activeId);
  } else if (mod && event.key.toLowerCase() === 'f') openFind();
  else if (fontMod && !event.altKey && (event.key === '=' || event.key === '+')) changeFontSize(1);
  else if (fontMod && !event.altKey && event.key === '-') changeFontSize(-1);
  else if (fontMod && !event.altKey && event.key === '0') changeFontSize('reset');
  else if (mod && event.key.toLowerCase() === 'c') {
    const session = terminals.get().tabs.find((t) => t.tabId === activeId)?.session;
    if (session?.term.hasSelection()) void navigator.clipboard?.writeText(session.term.getSelection()).catch(() => undefined);
  } else handled = false;
  if (handled) event.preventDefault();
  return handled;
}

function FindBar({ tab, onClose }: { tab: TabState; onClose: () => void }) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<boolean | undefined>(undefined);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const find = (backwards: boolean) => {
    if (!query) return;
    const opts = { decorations: { matchOverviewRuler: '#d29922', activeMatchColorOverviewRuler: '#4aa3ff' } };
    setFound(backwards ? tab.session.search.findPrevious(query, opts) : tab.session.search.findNext(query, opts));
  };
  return (
    <div className="find-bar" role="search">
      <input
        ref={input}
        aria-label="Find in scrollback"
        placeholder="Find in scrollback"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') find(e.shiftKey);
          if (e.key === 'Escape') onClose();
        }}
      />
      <button type="button" className="button small" onClick={() => find(true)} aria-label="Previous match">↑</button>
      <button type="button" className="button small" onClick={() => find(false)} aria-label="Next match">↓</button>
      {found === false && <span className="muted">No match</span>}
      <button type="button" className="button small" onClick={onClose} aria-label="Close find">✕</button>
    </div>
  );
}

export function TerminalsView() {
  const { tabs, activeId, error } = useSyncExternalStore(terminals.subscribe, terminals.get);
  const active = tabs.find((t) => t.tabId === activeId);
  const area = useRef<HTMLDivElement>(null);
  const [finding, setFinding] = useState(false);
  const accountNames = useAccountNames();
  const colours = usePreferences().preferences.accountColours;
  const labels = useMemo(() => tabLabels(tabs, (id) => accountNames.get(id)), [tabs, accountNames]);
  const countdowns = useCountdowns();
  const tabStrip = useRef<HTMLDivElement>(null);
  /** Set while arrow keys move along the tabs: the newly shown terminal must not take the focus. */
  const browsingTabs = useRef(false);
  /** Arrow keys move along the tab strip (and show that tab), as in any tablist; Delete closes the tab. */
  const onTabKey = (event: ReactKeyboardEvent, index: number) => {
    if (event.key === 'Delete') {
      event.preventDefault();
      void closeTab(tabs[index]!.tabId);
      return;
    }
    const last = tabs.length - 1;
    const to = event.key === 'ArrowRight' ? (index === last ? 0 : index + 1) : event.key === 'ArrowLeft' ? (index === 0 ? last : index - 1) : event.key === 'Home' ? 0 : event.key === 'End' ? last : -1;
    if (to < 0) return;
    event.preventDefault();
    browsingTabs.current = true;
    activate(tabs[to]!.tabId);
    tabStrip.current?.querySelectorAll<HTMLElement>('[role="tab"]')[to]?.focus();
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => handleShortcut(event, () => setFinding(true));
    setShortcutHandler(onKey);
    // Outside the terminal (tab bar, find bar) the same shortcuts work.
    const onWindowKey = (event: KeyboardEvent) => {
      if (!(event.target instanceof HTMLElement) || !event.target.closest('.terminal-host')) onKey(event);
    };
    window.addEventListener('keydown', onWindowKey);
    return () => {
      window.removeEventListener('keydown', onWindowKey);
      setShortcutHandler(() => false);
    };
  }, []);

  useEffect(() => {
    const container = area.current;
    if (!container || !active) return;
    active.session.show(container, !browsingTabs.current);
    browsingTabs.current = false;
    tabStrip.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    return () => active.session.hide();
  }, [active]);

  if (tabs.length === 0) {
    return (
      <section className="view empty-state" aria-labelledby="terminals-title">
        <h1 id="terminals-title">Terminals</h1>
        <p className="muted">Double-click an instance (or select it and press Enter) to open a shell here.</p>
        {error && <p className="error-inline" role="alert">{error}</p>}
      </section>
    );
  }

  const modKey = isMac ? '⌘' : 'Ctrl+Shift+';
  return (
    <section className="terminals" aria-label="Terminals">
      <div className="tab-bar" role="tablist" aria-label="Shells" ref={tabStrip}>
        {tabs.map((tab, index) => {
          const label = labels.get(tab.tabId)?.label ?? tab.title;
          const accountId = labels.get(tab.tabId)?.accountId ?? '';
          const colour = accountColour(accountId, accountNames.get(accountId), colours);
          return (
            <div key={tab.tabId} role="presentation" className={`tab${tab.tabId === activeId ? ' active' : ''}`} data-tab-id={tab.tabId} data-state={tab.status.state} data-colour={colour}>
              <button
                type="button"
                role="tab"
                className="tab-title"
                aria-selected={tab.tabId === activeId}
                tabIndex={tab.tabId === activeId ? 0 : -1}
                aria-keyshortcuts="Delete"
                title={[`${label} — ${statusText(tab.status)}`, countdownText(countdowns.byId.get(tab.tabId), countdowns.now)].filter(Boolean).join('\n')}
                onKeyDown={(e) => onTabKey(e, index)}
                onClick={() => {
                  activate(tab.tabId);
                  // Clicking the tab already shown puts the keyboard back in its terminal too.
                  tab.session.term.focus();
                }}
              >
                <span className={`dot state-${tab.status.state}`} aria-hidden="true" />
                <span className="tab-label">{label}</span>
                <CountdownBadge item={countdowns.byId.get(tab.tabId)} now={countdowns.now} />
              </button>
              {/* A tablist may hold only tabs: the × is for the mouse; keyboards and screen readers close with Delete. */}
              <button type="button" className="tab-close" tabIndex={-1} aria-hidden="true" aria-label={`Close ${label}`} title={`Close tab (${modKey}W)`} onClick={() => void closeTab(tab.tabId)}>
                ×
              </button>
            </div>
          );
        })}
      </div>
      {finding && active && <FindBar tab={active} onClose={() => (setFinding(false), active.session.term.focus())} />}
      <div className="terminal-area" ref={area} />
      {active && (
        <div className={`terminal-status state-${active.status.state}`} role="status" data-testid="terminal-status">
          <span className={`dot state-${active.status.state}`} aria-hidden="true" />
          <span>{statusText(active.status)}</span>
          {'hint' in active.status && active.status.hint && <span className="muted">{active.status.hint}</span>}
          {active.status.state === 'failed' && (
            <button type="button" className="button small" onClick={() => openDoctor({ request: { instanceKey: active.instanceKey, feature: 'shell' }, subject: doctorSubject(labels.get(active.tabId)?.label ?? active.title) })}>
              Why can&apos;t I connect?
            </button>
          )}
          {error && <span className="error-inline">{error}</span>}
          <CountdownLine item={countdowns.byId.get(active.tabId)} now={countdowns.now} />
          <span className="spacer" />
          <span className="muted">
            {active.platform} · {active.session.renderer === 'webgl' ? 'WebGL' : 'DOM'} renderer
          </span>
        </div>
      )}
    </section>
  );
}
