import { useCallback, useEffect, useState } from 'react';
import { onConnectionChange, type ConnectionState } from '../api';
import { activate, onShellOpened, openShell } from '../features/terminals/terminal-store';
import { onSessionsFocus } from '../features/sessions/focus';
import { onTunnelDraft } from '../features/tunnels/drafts';
import { views, type ViewId } from '../features/views';
import { useCall, useEvent } from '../hooks/useApi';
import { CommandPalette } from './CommandPalette';
import { DoctorDialogHost } from '../features/doctor/DoctorDialog';
import { QuickConnect } from './QuickConnect';
import { CountdownNotices } from '../features/countdowns/CountdownNotices';

const isMac = navigator.platform.toLowerCase().includes('mac');

export function App() {
  const [view, setView] = useState<ViewId>('instances');
  const [quickOpen, setQuickOpen] = useState(false);
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [connection, setConnection] = useState<ConnectionState>('open');
  const info = useCall('app.info', undefined);

  useEffect(() => onConnectionChange(setConnection), []);
  // Opening a shell anywhere (instances, tray) shows it.
  useEffect(() => onShellOpened(() => setView('terminals')), []);
  useEffect(() => onTunnelDraft(() => setView('tunnels')), []);
  useEffect(() => onSessionsFocus(() => setView('sessions')), []);
  useEvent(
    'app.navigate',
    useCallback(({ view: target, tabId }) => {
      if (tabId) activate(tabId);
      setView(target === 'login' ? 'instances' : target);
    }, []),
  );
  useEvent(
    'app.openShell',
    useCallback(({ instanceKey }) => {
      void openShell(instanceKey);
    }, []),
  );

  // Ctrl/Cmd+1..5 switch views; Ctrl/Cmd+K opens the command palette.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const mod = isMac ? event.metaKey : event.ctrlKey;
      if (!mod || event.altKey || event.shiftKey) return;
      if (event.key === 'k') {
        event.preventDefault();
        setQuickOpen(false);
        setPaletteOpen((open) => !open);
        return;
      }
      const index = Number(event.key) - 1;
      const target = views[index];
      if (target) {
        event.preventDefault();
        setView(target.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const Current = views.find((v) => v.id === view)?.component ?? views[0]!.component;
  const modKey = isMac ? '⌘' : 'Ctrl+';

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand" aria-label="Bastionless">
          <span className="brand-mark" aria-hidden="true" />
          Bastionless
        </div>
        <nav className="nav" aria-label="Views">
          {views.map((v, index) => (
            <button
              key={v.id}
              type="button"
              className={`nav-item${v.id === view ? ' active' : ''}`}
              aria-current={v.id === view ? 'page' : undefined}
              title={`${v.label} (${modKey}${index + 1})`}
              onClick={() => setView(v.id)}
            >
              {v.label}
            </button>
          ))}
        </nav>
        <div className="topbar-actions">
          <button type="button" className="button palette-button" title={`Search instances and commands (${modKey}K)`} aria-haspopup="dialog" aria-expanded={paletteOpen} onClick={() => setPaletteOpen(true)}>
            Search or run… <kbd>{modKey}K</kbd>
          </button>
          <button
            type="button"
            className="button"
            aria-haspopup="menu"
            aria-expanded={quickOpen}
            title="Quick connect: the tray menu (pinned tunnels, favourites, recent instances)"
            onClick={() => setQuickOpen((open) => !open)}
          >
            Quick connect
          </button>
          {quickOpen && <QuickConnect onClose={() => setQuickOpen(false)} />}
          {paletteOpen && <CommandPalette onClose={() => setPaletteOpen(false)} onNavigate={setView} />}
        </div>
      </header>
      <main className="content">
        <Current />
      </main>
      <CountdownNotices />
      <DoctorDialogHost />
      <footer className="statusbar" aria-label="App status">
        <span className={`dot ${connection === 'open' ? 'ok' : 'bad'}`} aria-hidden="true" />
        <span data-testid="connection-state">{connection === 'open' ? 'Connected' : 'Disconnected from Bastionless'}</span>
        {info.data && (
          <>
            <span className="sep">·</span>
            <span data-testid="transport">{info.data.transport === 'electron' ? 'Desktop' : 'Web host'}</span>
            {info.data.emulator && (
              <>
                <span className="sep">·</span>
                <span className="badge">Emulator</span>
              </>
            )}
            <span className="spacer" />
            <span className="muted">v{info.data.version}</span>
          </>
        )}
        {info.error && <span className="error-inline">{info.error.message}</span>}
      </footer>
    </div>
  );
}
