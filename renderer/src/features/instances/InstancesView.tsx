import './instances.css';
import { ShellStartChoice } from './ShellStartChoice';
import { showSessionsOf } from '../sessions/focus';
import { TunnelActions } from './TunnelActions';
import { DoctorReportView } from '../doctor/DoctorReportView';
import { InstanceContextMenu } from './InstanceContextMenu';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import type { InstanceSummary, InventoryProgress, IpcError } from '../../../../preload/contract';
import { api } from '../../api';
import { setFavourite, updatePreferences, usePreferences } from '../../preferences';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { ErrorDetails } from '../../shell/ErrorDetails';
import { toIpcError } from '../../ipc-error';
import { LoginPanel } from '../login/LoginPanel';
import { listedWhen, signedOutSources } from './cached';
import { useSources } from '../login/useSources';
import { openShell, selectInstance } from '../terminals/terminal-store';
import { accountColour } from '../accounts/account-colour';
import { buildItems, haystack, parentIdOf, type Filters, type GroupBy, type ListItem } from './model';
import { useInventory } from './useInventory';

const ROW_HEIGHT = 34;

const fmt = (n: number) => n.toLocaleString('en-US');

function ProgressLine({ progress, count, onRefresh }: { progress: InventoryProgress | undefined; count: number; onRefresh: () => void }) {
  let text = 'Not scanned yet';
  if (progress?.running) text = `Scanning… ${fmt(progress.done)} of ${fmt(progress.total)} account-regions`;
  else if (progress?.updatedAt) text = `${fmt(progress.total)} account-regions · ${progress.fromCache ? 'cached' : 'updated'} ${new Date(progress.updatedAt).toLocaleTimeString()}`;
  return (
    <div className="inventory-progress" data-testid="inventory-progress">
      <span>
        <strong data-testid="instance-count">{fmt(count)}</strong> instances · {text}
      </span>
      {progress?.running && <progress max={Math.max(progress.total, 1)} value={progress.done} aria-label="Discovery progress" />}
      <button type="button" className="button small" onClick={onRefresh} disabled={progress?.running}>
        Refresh
      </button>
    </div>
  );
}

function Details({ instance, favourite, onFavourite, onOpen }: { instance: InstanceSummary; favourite: boolean; onFavourite: () => void; onOpen: () => void }) {
  const facts: Array<[string, string | undefined]> = [
    ['Instance', instance.instanceId],
    ['Status', instance.pingStatus],
    ['State', instance.state],
    ['Platform', instance.platformName ? `${instance.platform} · ${instance.platformName}` : instance.platform],
    ['Private IP', instance.privateIp],
    ['Computer name', instance.computerName],
    ['Agent', instance.agentVersion],
    ['Account', `${instance.accountName} (${instance.accountId})`],
    ['Role', instance.roleName],
    ['Region', instance.region],
    ['Type', instance.resourceType],
  ];
  return (
    <aside className="instance-details" aria-label="Instance details" data-testid="instance-details">
      <h2>{instance.name ?? instance.instanceId}</h2>
      <div className="details-actions">
        <button type="button" className="button primary" onClick={onOpen} disabled={instance.pingStatus !== 'Online'}>
          Open shell
        </button>
        <button type="button" className="button" aria-pressed={favourite} onClick={onFavourite}>
          {favourite ? '★ Favourite' : '☆ Favourite'}
        </button>
        <button type="button" className="button" onClick={() => showSessionsOf(instance.key)}>
          Sessions
        </button>
      </div>
      <TunnelActions instance={instance} />
      {instance.pingStatus !== 'Online' && (
        // An offline instance answers "why?" at once (read-only calls; a session only on "Try connecting").
        <section className="doctor-inline" aria-labelledby="doctor-inline-title">
          <h3 id="doctor-inline-title">Why can&apos;t I connect?</h3>
          <DoctorReportView key={instance.key} request={{ instanceKey: instance.key, feature: 'shell' }} />
        </section>
      )}
      <ShellStartChoice instance={instance} />
      <dl className="facts">
        {facts.map(([k, v]) =>
          v ? (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ) : null,
        )}
      </dl>
      {Object.keys(instance.tags).length > 0 && (
        <>
          <h3>Tags</h3>
          <ul className="tags">
            {Object.entries(instance.tags).map(([k, v]) => (
              <li key={k}>
                <span className="muted">{k}</span> {v}
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}

function FoldButton({ collapsed, label, onToggle }: { collapsed: boolean; label: string; onToggle: () => void }) {
  return (
    <button type="button" className="fold" aria-expanded={!collapsed} aria-label={`${collapsed ? 'Expand' : 'Collapse'} ${label}`} tabIndex={-1} onClick={onToggle}>
      {collapsed ? '▸' : '▾'}
    </button>
  );
}

type ParentItem = Extract<ListItem, { kind: 'parent' }>;
type GroupItem = Extract<ListItem, { kind: 'group' }>;

function ParentRow({ item, rowIndex, onToggle }: { item: ParentItem; rowIndex: number; onToggle: () => void }) {
  return (
    <div className="parent-row" role="row" aria-rowindex={rowIndex} aria-level={1} aria-expanded={!item.collapsed} data-testid="parent-row" data-id={item.id} onClick={onToggle}>
      <span role="rowheader" className="group-cell">
        <FoldButton collapsed={item.collapsed} label={item.title} onToggle={onToggle} />
        <span className="group-title">{item.title}</span>
      </span>
      <span role="gridcell" className="group-count muted">
        {item.count}
        {item.failed > 0 && <span className="parent-failed"> · {item.failed} failed</span>}
      </span>
    </div>
  );
}

function GroupRow({ item, rowIndex, onToggle, onDetails, onRetry, onUseRole }: { item: GroupItem; rowIndex: number; onToggle: () => void; onDetails: () => void; onRetry: () => void; onUseRole: (role: string) => void }) {
  const error = item.error;
  return (
    <div className={`group-row${error ? ' has-error' : ''}`} role="row" aria-rowindex={rowIndex} aria-level={2} aria-expanded={!item.collapsed} data-testid="group-row" data-id={item.id}>
      <span role="rowheader" className="group-cell">
        <FoldButton collapsed={item.collapsed} label={item.title} onToggle={onToggle} />
        <span className="group-title">{item.title}</span>
        {item.loading && <span className="muted small">loading…</span>}
      </span>
      <span role="gridcell" className="group-count muted">
        {item.count > 0 || !error ? item.count : ''}
      </span>
      {error && (
        <span role="gridcell" className="group-error">
          <span className="row-error" role="alert" data-code={error.code} title={[error.message, error.hint].filter(Boolean).join('\n')}>
            {error.message}
          </span>
          <button type="button" className="button small" onClick={onDetails}>
            Details
          </button>
          <button type="button" className="button small" onClick={onRetry}>
            Retry
          </button>
          {error.code === 'access-denied' || error.code === 'names-missing'
            ? item.otherRoles?.slice(0, 2).map((role) => (
                <button key={role} type="button" className="button small" onClick={() => onUseRole(role)}>
                  Use {role} instead
                </button>
              ))
            : null}
        </span>
      )}
    </div>
  );
}

/** A DOM id for aria-activedescendant: instance keys hold characters ids may not. */
const rowDomId = (key: string) => `instance-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`;

function InstanceRow({ instance, rowIndex, selected, favourite, colour, cached, onSelect, onOpen, onMenu }: { instance: InstanceSummary; rowIndex: number; selected: boolean; favourite: boolean; colour: string | undefined; cached: boolean; onSelect: () => void; onOpen: () => void; onMenu: (x: number, y: number) => void }) {
  return (
    <div id={rowDomId(instance.key)} className={`instance-row${selected ? ' selected' : ''}${cached ? ' cached' : ''}`} data-colour={colour} role="row" aria-rowindex={rowIndex} aria-level={3} aria-selected={selected} title={cached ? 'From the last list: sign in again to connect' : undefined} data-testid="instance-row" data-key={instance.key} onClick={onSelect} onDoubleClick={onOpen} onContextMenu={(e) => (e.preventDefault(), onSelect(), onMenu(e.clientX, e.clientY))}>
      <span role="gridcell" className={`dot ${instance.pingStatus === 'Online' ? 'ok' : 'bad'}`} title={instance.pingStatus} aria-label={instance.pingStatus} />
      <span role="rowheader" className="instance-name">
        {favourite && <span aria-label="favourite">★ </span>}
        {instance.name ?? instance.instanceId}
      </span>
      <span role="gridcell" className="mono muted">
        {instance.instanceId}
      </span>
      <span role="gridcell" className="mono muted">
        {instance.privateIp ?? ''}
      </span>
      <span role="gridcell" className="muted">
        {instance.platform}
      </span>
    </div>
  );
}

/** The explorer: every instance of every signed-in source, grouped, searchable, keyboard first. */
export function InstancesView() {
  const { sources, error: sourcesError } = useSources();
  const { instances, rows, progress, error } = useInventory();
  const [filters, setFilters] = useState<Filters>({ query: '', platform: 'all', status: 'all', favouritesOnly: false });
  // Group-by and favourites live in the preferences store (preferences.json), shared by every window and the CLI.
  const stored = usePreferences().preferences;
  const groupBy = stored.groupBy;
  const favourites = useMemo(() => new Set(stored.favourites), [stored.favourites]);
  const collapsed = useMemo(() => new Set(stored.collapsedGroups), [stored.collapsedGroups]);
  const [detailsOf, setDetailsOf] = useState<GroupItem>();
  const [selectedKey, setSelectedKey] = useState<string>();
  const [contextMenu, setContextMenu] = useState<{ key: string; x: number; y: number } | null>(null);
  const closeContextMenu = useCallback(() => setContextMenu(null), []);
  const [actionError, setActionError] = useState<IpcError>();
  const searchRef = useRef<HTMLInputElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);

  const hayCache = useMemo(() => new Map(instances.map((i) => [i.key, haystack(i)])), [instances]);
  const items = useMemo(() => buildItems(instances, rows, filters, favourites, groupBy, (i) => hayCache.get(i.key) ?? '', collapsed), [instances, rows, filters, favourites, groupBy, hayCache, collapsed]);
  const visibleKeys = useMemo(() => items.flatMap((it) => (it.kind === 'instance' ? [it.id] : [])), [items]);
  const selected = instances.find((i) => i.key === selectedKey);

  const virtualizer = useVirtualizer({ count: items.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });

  const saved = (p: Promise<void>) => void p.then(() => setActionError(undefined), (err: unknown) => setActionError(toIpcError(err)));
  const setGroupBy = (value: GroupBy) => saved(updatePreferences({ groupBy: value }));
  const toggleFavourite = (key: string) => saved(setFavourite(key, !favourites.has(key)));
  const toggleFold = (id: string) => saved(updatePreferences({ collapsedGroups: collapsed.has(id) ? stored.collapsedGroups.filter((g) => g !== id) : [...stored.collapsedGroups, id] }));
  // Every parent of the whole fleet, not only those a search shows: "Collapse all" means all.
  const parentIds = useMemo(() => [...new Set([...instances, ...rows].map((r) => parentIdOf(groupBy, r)))], [instances, rows, groupBy]);
  const allFolded = parentIds.length > 0 && parentIds.every((id) => collapsed.has(id));
  // Folding every parent keeps the account-regions' own folds: unfolding brings the same picture back.
  const foldAll = () => saved(updatePreferences({ collapsedGroups: allFolded ? stored.collapsedGroups.filter((g) => !parentIds.includes(g)) : [...new Set([...stored.collapsedGroups, ...parentIds])] }));
  const switchRole = async (accountId: string, roleName: string) => {
    const settings = await api.call('auth.settings', undefined);
    await api.call('auth.updateSettings', { accountRoles: { ...settings.accountRoles, [accountId]: roleName } });
    await api.call('inventory.refresh', undefined);
  };

  const select = useCallback(
    (key: string | undefined) => {
      setSelectedKey(key);
      selectInstance(key);
      const index = items.findIndex((it) => it.id === key);
      if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' });
    },
    [items, virtualizer],
  );

  const cachedSources = useMemo(() => signedOutSources(sources, instances), [sources, instances]);
  const open = useCallback(
    (key: string) => {
      setSelectedKey(key);
      const source = cachedSources.get(instances.find((i) => i.key === key)?.sourceId ?? '');
      if (source) {
        setActionError({ code: 'signed-out', message: `Signed out of ${source.label}: this instance is from the list of ${listedWhen(progress?.updatedAt, Date.now())}.`, hint: 'Sign in again above to open a shell on it.' });
        return;
      }
      setActionError(undefined);
      void openShell(key);
    },
    [cachedSources, instances, progress?.updatedAt],
  );

  // "/" or Ctrl/Cmd+F focuses search from anywhere in the view.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
      if ((event.key === '/' && !typing) || ((event.ctrlKey || event.metaKey) && event.key === 'f')) {
        event.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onListKey = (event: ReactKeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const at = selectedKey ? visibleKeys.indexOf(selectedKey) : -1;
      const next = event.key === 'ArrowDown' ? Math.min(visibleKeys.length - 1, at + 1) : Math.max(0, at - 1);
      select(visibleKeys[next]);
    } else if (event.key === 'Enter' && selectedKey) {
      event.preventDefault();
      open(selectedKey);
    }
  };

  const refresh = () => {
    api.call('inventory.refresh', undefined).catch((err: unknown) => setActionError(toIpcError(err)));
  };

  const signedIn = sources?.some((s) => s.state === 'signed-in') ?? false;
  const needsLogin = sources !== undefined && !signedIn && instances.length === 0;

  if (needsLogin || (sources && sources.some((s) => s.pending) && instances.length === 0)) {
    return (
      <section className="view instances-view" aria-labelledby="instances-title">
        <h1 id="instances-title" className="visually-hidden">
          Instances
        </h1>
        <LoginPanel sources={sources ?? []} compact={false} />
      </section>
    );
  }

  return (
    <section className="view instances-view" aria-labelledby="instances-title">
      <h1 id="instances-title" className="visually-hidden">
        Instances
      </h1>
      {sources && <LoginPanel sources={sources} compact />}
      {cachedSources.size > 0 && (
        <div className="cached-banner" role="status" data-testid="cached-banner">
          Signed out of {[...cachedSources.values()].map((s) => s.label).join(', ')}: its instances below are the list of {listedWhen(progress?.updatedAt, Date.now())}. Shells and tunnels on them need you to sign in again.
        </div>
      )}
      {sourcesError && <ErrorNotice error={sourcesError} />}
      {error && <ErrorNotice error={error} />}
      {actionError && <ErrorNotice error={actionError} />}
      <div className="explorer-toolbar">
        <input
          ref={searchRef}
          type="search"
          className="search"
          placeholder="Search name, id, IP, tag…  ( / )"
          aria-label="Search instances"
          value={filters.query}
          onChange={(e) => setFilters((f) => ({ ...f, query: e.target.value }))}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' || e.key === 'Enter') {
              onListKey(e);
              scrollRef.current?.focus();
            }
          }}
        />
        <select aria-label="Platform" value={filters.platform} onChange={(e) => setFilters((f) => ({ ...f, platform: e.target.value as Filters['platform'] }))}>
          <option value="all">All platforms</option>
          <option value="Linux">Linux</option>
          <option value="Windows">Windows</option>
          <option value="MacOS">macOS</option>
        </select>
        <select aria-label="Filter by agent status" value={filters.status} onChange={(e) => setFilters((f) => ({ ...f, status: e.target.value as Filters['status'] }))}>
          <option value="all">Online and offline</option>
          <option value="online">Online</option>
          <option value="offline">Offline</option>
        </select>
        <label className="toggle">
          <input type="checkbox" checked={filters.favouritesOnly} onChange={(e) => setFilters((f) => ({ ...f, favouritesOnly: e.target.checked }))} />
          Favourites
        </label>
        <select aria-label="Group by" value={groupBy} onChange={(e) => setGroupBy(e.target.value as GroupBy)}>
          <option value="account">By account</option>
          <option value="region">By region</option>
        </select>
        <button type="button" className="button small" onClick={foldAll} disabled={parentIds.length === 0}>
          {allFolded ? 'Expand all' : 'Collapse all'}
        </button>
      </div>
      <ProgressLine progress={progress} count={instances.length} onRefresh={refresh} />
      <div className="explorer">
        <div className="instance-list" ref={scrollRef} tabIndex={0} role="treegrid" aria-label="Instances" aria-rowcount={items.length} aria-activedescendant={selectedKey && visibleKeys.includes(selectedKey) ? rowDomId(selectedKey) : undefined} onKeyDown={onListKey}>
          {items.length === 0 && <div className="muted list-empty">{progress?.running ? 'Looking for instances…' : 'No instance matches.'}</div>}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((v) => {
              const item = items[v.index]!;
              return (
                <div key={item.id} className="virtual-row" style={{ transform: `translateY(${v.start}px)`, height: v.size }}>
                  {item.kind === 'parent' ? (
                    <ParentRow item={item} rowIndex={v.index + 1} onToggle={() => toggleFold(item.id)} />
                  ) : item.kind === 'group' ? (
                    <GroupRow item={item} rowIndex={v.index + 1} onToggle={() => toggleFold(item.id)} onDetails={() => setDetailsOf(item)} onRetry={refresh} onUseRole={(role) => saved(switchRole(item.accountId, role))} />
                  ) : (
                    <InstanceRow instance={item.instance} rowIndex={v.index + 1} selected={item.id === selectedKey} favourite={favourites.has(item.id)} colour={accountColour(item.instance.accountId, item.instance.accountName, stored.accountColours)} cached={cachedSources.has(item.instance.sourceId)} onSelect={() => select(item.id)} onOpen={() => open(item.id)} onMenu={(x, y) => setContextMenu({ key: item.id, x, y })} />
                  )}
                </div>
              );
            })}
          </div>
        </div>
        {selected ? (
          <Details instance={selected} favourite={favourites.has(selected.key)} onFavourite={() => toggleFavourite(selected.key)} onOpen={() => open(selected.key)} />
        ) : (
          <aside className="instance-details muted">Select an instance to see its details. Enter or double-click opens a shell.</aside>
        )}
      </div>
      {detailsOf?.error && (
        <ErrorDetails
          title={`${detailsOf.title}: why it failed`}
          error={detailsOf.error}
          facts={[
            ['Account', detailsOf.accountId],
            ['Region', detailsOf.region === '*' ? 'all regions' : detailsOf.region],
            ...(detailsOf.roleName ? [['Role', detailsOf.roleName] as [string, string]] : []),
          ]}
          onClose={() => setDetailsOf(undefined)}
        />
      )}
      {contextMenu && instances.some((i) => i.key === contextMenu.key) && (
        <InstanceContextMenu
          instance={instances.find((i) => i.key === contextMenu.key)!}
          x={contextMenu.x}
          y={contextMenu.y}
          onOpenShell={() => open(contextMenu.key)}
          onClose={closeContextMenu}
        />
      )}
    </section>
  );
}
