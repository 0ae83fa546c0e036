import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { InstanceSummary } from '../../../../preload/contract';
import { startTunnelDraft, tunnelActionsFor } from './TunnelActions';
import { doctorSubject, openDoctor } from '../doctor/doctor-store';

/** Right-click menu of an instance row: a shell, a tunnel pre-filled for it, or the connectivity doctor. */
export function InstanceContextMenu({ instance, x, y, onOpenShell, onClose }: { instance: InstanceSummary; x: number; y: number; onOpenShell: () => void; onClose: () => void }) {
  const menu = useRef<HTMLUListElement>(null);
  useEffect(() => {
    menu.current?.querySelector('button')?.focus();
    const close = () => onClose();
    window.addEventListener('click', close);
    window.addEventListener('blur', close);
    return () => {
      window.removeEventListener('click', close);
      window.removeEventListener('blur', close);
    };
  }, [onClose]);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') onClose();
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const buttons = [...(menu.current?.querySelectorAll('button') ?? [])];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    buttons[(index + (event.key === 'ArrowDown' ? 1 : -1) + buttons.length) % buttons.length]?.focus();
  };
  const item = (label: string, action: () => void, disabled = false) => (
    <li role="none" key={label}>
      <button type="button" role="menuitem" className="menu-item" disabled={disabled} onClick={() => (action(), onClose())}>
        {label}
      </button>
    </li>
  );
  return (
    <ul className="context-menu" ref={menu} role="menu" aria-label={`Actions for ${instance.name ?? instance.instanceId}`} style={{ left: x, top: y }} onKeyDown={onKeyDown}>
      {item('Open shell', onOpenShell, instance.pingStatus !== 'Online')}
      <li role="separator" className="menu-separator" />
      {tunnelActionsFor(instance).map(({ kind, label }) => item(label, () => startTunnelDraft(instance, kind)))}
      <li role="separator" className="menu-separator" />
      {item("Why can't I connect?", () => openDoctor({ request: { instanceKey: instance.key, feature: 'shell' }, subject: doctorSubject(instance.name ?? instance.instanceId) }))}
    </ul>
  );
}
