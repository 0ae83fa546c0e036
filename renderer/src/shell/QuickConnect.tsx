import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { TrayMenu, TrayMenuItem } from '../../../preload/contract';
import { api } from '../api';
import { toIpcError, useEvent } from '../hooks/useApi';
import { ErrorNotice } from './ErrorNotice';
import type { IpcError } from '../../../preload/contract';

/**
 * The tray menu, in the window: the same model Electron renders as the tray's context menu.
 * In a browser it is the only way to reach it, so it is fully keyboard operable.
 */
export function QuickConnect({ onClose }: { onClose: () => void }) {
  const [menu, setMenu] = useState<TrayMenu | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [openSubmenu, setOpenSubmenu] = useState<string | null>(null);
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    api.call('tray.menu', undefined).then(setMenu, (err: unknown) => setError(toIpcError(err)));
  }, []);
  useEvent('tray.changed', useCallback((next: TrayMenu) => setMenu(next), []));
  useEffect(() => {
    panel.current?.querySelector<HTMLButtonElement>('button.menu-item:not([disabled])')?.focus();
  }, [menu]);

  const activate = async (item: TrayMenuItem) => {
    if (item.kind === 'submenu') {
      setOpenSubmenu(openSubmenu === item.id ? null : item.id);
      return;
    }
    try {
      await api.call('tray.activate', { id: item.id });
      onClose();
    } catch (err) {
      setError(toIpcError(err));
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const buttons = [...(panel.current?.querySelectorAll<HTMLButtonElement>('button.menu-item:not([disabled])') ?? [])];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = event.key === 'ArrowDown' ? index + 1 : index - 1;
    buttons[(next + buttons.length) % buttons.length]?.focus();
  };

  const renderItem = (item: TrayMenuItem) => {
    switch (item.kind) {
      case 'separator':
        return <li key={item.id} className="menu-separator" role="separator" />;
      case 'header':
        return (
          <li key={item.id} className="menu-header" role="presentation">
            {item.label}
          </li>
        );
      default:
        return (
          <li key={item.id} role="none">
            <button
              type="button"
              role="menuitem"
              className="menu-item"
              data-item-id={item.id}
              disabled={!item.enabled}
              aria-expanded={item.kind === 'submenu' ? openSubmenu === item.id : undefined}
              onClick={() => void activate(item)}
            >
              <span className="menu-label">{item.label}</span>
              {item.detail && <span className="menu-detail">{item.detail}</span>}
            </button>
            {item.kind === 'submenu' && openSubmenu === item.id && <ul className="submenu">{item.items?.map(renderItem)}</ul>}
          </li>
        );
    }
  };

  return (
    <div className="quick-connect" ref={panel} role="menu" aria-label="Quick connect" onKeyDown={onKeyDown}>
      {error && <ErrorNotice error={error} />}
      {!menu && !error && <div className="muted padded">Loading…</div>}
      {menu && <ul className="menu-list">{menu.items.map(renderItem)}</ul>}
    </div>
  );
}
