import type { InstanceSummary } from '../../preload/contract';
import type { TunnelProfileInput } from '../../main/core/tunnels/profile-schema';

/** A port-forwarding profile to one of the inventory's instances, as its sign-in reaches it. */
export function instanceTunnel(instance: Pick<InstanceSummary, 'sourceId' | 'accountId' | 'roleName' | 'region' | 'instanceId'>, name: string, remotePort: number, extra: Partial<TunnelProfileInput> = {}): TunnelProfileInput {
  return {
    name,
    source: { type: 'sso', ssoSession: instance.sourceId, accountId: instance.accountId, roleName: instance.roleName },
    region: instance.region,
    target: { type: 'instance', instanceId: instance.instanceId },
    remotePort,
    kind: 'custom',
    ...extra,
  };
}
