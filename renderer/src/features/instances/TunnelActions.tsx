import type { InstanceSummary } from '../../../../preload/contract';
import { draftFromInstance, requestTunnelDraft, type DraftKind } from '../tunnels/drafts';

/** The tunnel shortcuts an instance offers; RDP leads for Windows, databases otherwise. */
export function tunnelActionsFor(instance: InstanceSummary): Array<{ kind: DraftKind; label: string }> {
  const rdp = { kind: 'rdp' as const, label: 'RDP' };
  const rest = [
    { kind: 'custom' as const, label: 'Forward port…' },
    { kind: 'postgres' as const, label: 'PostgreSQL…' },
    { kind: 'mysql' as const, label: 'MySQL…' },
  ];
  return instance.platform === 'Windows' ? [rdp, ...rest] : [...rest, rdp];
}

/** Opens the tunnel dialog pre-filled for this instance (the app switches to the Tunnels view). */
export function startTunnelDraft(instance: InstanceSummary, kind: DraftKind): void {
  requestTunnelDraft(draftFromInstance(instance, kind));
}

export function TunnelActions({ instance }: { instance: InstanceSummary }) {
  return (
    <div className="details-actions" role="group" aria-label="Tunnels">
      {tunnelActionsFor(instance).map(({ kind, label }) => (
        <button key={kind} type="button" className="button" onClick={() => startTunnelDraft(instance, kind)}>
          {label}
        </button>
      ))}
    </div>
  );
}
