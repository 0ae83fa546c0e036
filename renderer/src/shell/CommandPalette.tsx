import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { InstanceSummary, IpcError, SourceInfo, TunnelProfile, TunnelStatusInfo } from '../../../preload/contract';
import { api } from '../api';
import { toIpcError } from '../hooks/useApi';
import { useSources } from '../features/login/useSources';
import { haystack } from '../features/instances/model';
import { openShell } from '../features/terminals/terminal-store';
import { requestTunnelDraft } from '../features/tunnels/drafts';
import type { ViewId } from '../features/views';
import { preferences, updatePreferences } from '../preferences';
import { ErrorNotice } from './ErrorNotice';
import { rankCommands, rememberRecent, type PaletteCommand } from './palette-model';
import { chooseTheme, resolveTheme } from './theme';

interface PaletteData {
  instances: InstanceSummary[];
  profiles: TunnelProfile[];
  running: TunnelStatusInfo[];
}

/** What the palette searches, loaded when it opens (each is one call; the fleet is one snapshot). */
function usePaletteData(): { data: PaletteData | undefined; error: IpcError | undefined } {
  const [data, setData] = useState<PaletteData>();
  const [error, setError] = useState<IpcError>();
  useEffect(() => {
    let live = true;
    Promise.all([api.call('inventory.snapshot', undefined), api.call('tunnels.profiles.list', undefined), api.call('tunnels.list', undefined)]).then(
      ([snap, profiles, tunnels]) => live && setData({ instances: snap.instances, profiles: profiles.profiles, running: tunnels.tunnels }),
      (err: unknown) => live && setError(toIpcError(err)),
    );
    return () => {
      live = false;
    };
  }, []);
  return { data, error };
}

function buildCommands(data: PaletteData | undefined, sources: readonly SourceInfo[], go: (view: ViewId) => void): PaletteCommand[] {
  const commands: PaletteCommand[] = [
    { id: 'action:refresh', group: 'Action', title: 'Refresh the instance list', keywords: 'reload rescan inventory', run: () => api.call('inventory.refresh', undefined) },
    { id: 'action:new-tunnel', group: 'Action', title: 'New tunnel…', keywords: 'port forward rdp database create profile', run: () => requestTunnelDraft({}) },
    {
      id: 'action:theme',
      group: 'Action',
      title: `Switch to the ${resolveTheme(preferences().theme) === 'dark' ? 'light' : 'dark'} theme`,
      keywords: 'theme dark light appearance colour',
      run: () => chooseTheme(resolveTheme(preferences().theme) === 'dark' ? 'light' : 'dark'),
    },
    { id: 'view:instances', group: 'View', title: 'Instances', keywords: 'go to explorer list fleet', run: () => go('instances') },
    { id: 'view:terminals', group: 'View', title: 'Terminals', keywords: 'go to shells tabs', run: () => go('terminals') },
    { id: 'view:tunnels', group: 'View', title: 'Tunnels', keywords: 'go to profiles port forwards', run: () => go('tunnels') },
    { id: 'view:sessions', group: 'View', title: 'Sessions', keywords: 'go to history terminate active', run: () => go('sessions') },
    { id: 'view:settings', group: 'View', title: 'Settings', keywords: 'go to preferences options', run: () => go('settings') },
  ];
  for (const s of sources) {
    if (s.kind !== 'sso') continue;
    if (s.state === 'signed-in') {
      commands.push({ id: `auth.signOut:${s.id}`, group: 'Action', title: `Sign out of ${s.label}`, detail: s.startUrl ?? '', keywords: 'logout log out', run: () => api.call('auth.signOut', { sourceId: s.id }) });
    } else if (s.state !== 'signing-in') {
      commands.push({
        id: `auth.signIn:${s.id}`,
        group: 'Action',
        title: `Sign in to ${s.label}`,
        detail: s.startUrl ?? '',
        keywords: 'login log in sso',
        // The code to approve shows on the Instances view.
        run: () => (go('instances'), api.call('auth.signIn', { sourceId: s.id })),
      });
    }
  }
  if (!data) return commands;
  const running = new Map(data.running.map((t) => [t.id, t]));
  for (const p of data.profiles) {
    const live = running.get(p.id);
    commands.push(
      live
        ? { id: `tunnel.stop:${p.id}`, group: 'Tunnel', title: `Stop ${p.name}`, detail: `${live.bindAddress}:${live.localPort} · ${live.state}`, keywords: `tunnel ${p.kind}`, run: () => api.call('tunnels.stop', { id: p.id }) }
        : { id: `tunnel.start:${p.id}`, group: 'Tunnel', title: `Start ${p.name}`, detail: `${p.kind === 'custom' ? 'port' : p.kind} → ${p.remoteHost ?? (p.target.type === 'instance' ? p.target.instanceId : 'tag query')}:${p.remotePort}`, keywords: `tunnel ${p.kind}`, run: () => api.call('tunnels.start', { profileId: p.id }) },
    );
  }
  for (const i of data.instances) {
    commands.push({
      id: `shell:${i.key}`,
      group: 'Instance',
      title: i.name ?? i.instanceId,
      detail: `${i.accountName}/${i.region} · ${i.instanceId}${i.privateIp ? ` · ${i.privateIp}` : ''}${i.pingStatus === 'Online' ? '' : ' · offline'}`,
      keywords: `shell ${haystack(i)}`,
      run: () => openShell(i.key),
    });
  }
  return commands;
}

/**
 * Ctrl/Cmd+K: one search over the whole fleet and every action. Type part of a name, id, IP or
 * tag and Enter opens a shell; a tunnel's name starts or stops it. Keyboard only; recent first.
 */
export function CommandPalette({ onClose, onNavigate }: { onClose: () => void; onNavigate: (view: ViewId) => void }) {
  const { data, error: loadError } = usePaletteData();
  const { sources } = useSources();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [error, setError] = useState<IpcError>();
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);

  const commands = useMemo(() => buildCommands(data, sources ?? [], onNavigate), [data, sources, onNavigate]);
  const ranked = useMemo(() => rankCommands(commands, query, preferences().paletteRecent), [commands, query]);
  useEffect(() => setActive(0), [query]);
  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    list.current?.querySelector(`[data-index="${active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  const run = async (command: PaletteCommand) => {
    void updatePreferences({ paletteRecent: rememberRecent(preferences().paletteRecent, command.id) }).catch(() => undefined);
    try {
      await command.run();
      onClose();
    } catch (err) {
      // Shown here, where the command was chosen; the palette stays open to try another.
      setError(toIpcError(err));
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const last = ranked.length - 1;
    if (event.key === 'Escape') onClose();
    else if (event.key === 'ArrowDown') setActive((a) => (a >= last ? 0 : a + 1));
    else if (event.key === 'ArrowUp') setActive((a) => (a <= 0 ? last : a - 1));
    else if (event.key === 'PageDown') setActive((a) => Math.min(last, a + 8));
    else if (event.key === 'PageUp') setActive((a) => Math.max(0, a - 8));
    else if (event.key === 'Enter' && ranked[active]) void run(ranked[active].command);
    else return;
    event.preventDefault();
  };

  const activeId = ranked[active] ? `palette-option-${active}` : undefined;
  return (
    <div className="palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette" onKeyDown={onKeyDown}>
        <input
          ref={input}
          className="palette-input"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={activeId}
          aria-autocomplete="list"
          aria-label="Search instances, tunnels and commands"
          placeholder="Name, id, IP or tag to open a shell · a tunnel to start or stop · a command"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        {(error ?? loadError) && <ErrorNotice error={(error ?? loadError)!} />}
        <ul className="palette-list" id="palette-list" role="listbox" aria-label="Results" ref={list}>
          {ranked.map(({ command, group }, index) => (
            <li
              key={command.id}
              id={`palette-option-${index}`}
              data-index={index}
              data-command={command.id}
              role="option"
              aria-selected={index === active}
              className={`palette-option${index === active ? ' active' : ''}`}
              onMouseMove={() => setActive(index)}
              onClick={() => void run(command)}
            >
              <span className="palette-group">{group}</span>
              <span className="palette-title">{command.title}</span>
              {command.detail && <span className="palette-detail">{command.detail}</span>}
            </li>
          ))}
          {ranked.length === 0 && (
            <li className="palette-empty muted" role="presentation">
              {data ? `Nothing matches “${query}”.` : 'Loading the fleet…'}
            </li>
          )}
        </ul>
        <div className="palette-footer muted small" aria-hidden="true">
          ↑↓ choose · Enter run · Esc close
        </div>
      </div>
    </div>
  );
}
