import type { TunnelKind, TunnelProfileInput } from '../../../../preload/contract';
import { DEFAULT_REMOTE_PORTS, isProfileSourceId } from '../../../../preload/contract';
import { viewHandoff } from '../../shell/handoff';

/**
 * Profile drafts, and the hand-off from other views: the instances explorer's context menu
 * ("RDP", "Forward port…", "Database…") calls requestTunnelDraft(draftFromInstance(…)); the
 * tunnels view opens its dialog pre-filled with it.
 */

export interface InstanceForDraft {
  instanceId: string;
  name?: string;
  accountId: string;
  region: string;
  roleName: string;
  /** The inventory's source id: an sso-session name, or `profile:NAME` for a ~/.aws/config profile. */
  sourceId: string;
}

export type DraftKind = TunnelKind;

export function draftFromInstance(instance: InstanceForDraft, kind: DraftKind): TunnelProfileInput {
  const label = instance.name || instance.instanceId;
  const what = kind === 'rdp' ? 'RDP' : kind === 'postgres' ? 'PostgreSQL' : kind === 'mysql' ? 'MySQL' : 'port';
  return {
    name: `${label} ${what}`,
    kind,
    source: isProfileSourceId(instance.sourceId)
      ? { type: 'profile', profile: instance.sourceId, accountId: instance.accountId }
      : { type: 'sso', ssoSession: instance.sourceId, accountId: instance.accountId, roleName: instance.roleName },
    region: instance.region,
    target: { type: 'instance', instanceId: instance.instanceId },
    remotePort: DEFAULT_REMOTE_PORTS[kind],
    localPort: 0,
    launcher: { client: 'auto', fullscreen: false, ...(kind === 'rdp' ? { username: 'Administrator' } : {}) },
  };
}

/** Written before navigating, read when the tunnels view mounts (it may not be mounted yet). */
const drafts = viewHandoff<Partial<TunnelProfileInput>>('tunnel-draft');

/** Opens the tunnel dialog with `draft` (an empty draft: a new tunnel from scratch). */
export const requestTunnelDraft = (draft: Partial<TunnelProfileInput>): void => drafts.send(draft);
export const takePendingDraft = (): Partial<TunnelProfileInput> | null => drafts.take();
export const onTunnelDraft = (listener: () => void): (() => void) => drafts.on(listener);
