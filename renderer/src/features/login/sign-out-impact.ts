import type { SourceInfo } from '../../../../preload/contract';
import { api } from '../../api';
import { closeTab, terminals } from '../terminals/terminal-store';

/** What is open through a source right now: shell tabs on its instances, running tunnels of its profiles. */
export interface SignOutImpact {
  tabIds: string[];
  tunnels: Array<{ id: string; name: string }>;
}

/** Instance keys are `${sourceId}/account/region/id`. */
const ofSource = (instanceKey: string, sourceId: string) => instanceKey.startsWith(`${sourceId}/`);

export async function signOutImpact(source: SourceInfo): Promise<SignOutImpact> {
  const tabIds = terminals
    .get()
    .tabs.filter((t) => ofSource(t.instanceKey, source.id) && t.status.state !== 'exited')
    .map((t) => t.tabId);
  const [{ tunnels }, { profiles }] = await Promise.all([api.call('tunnels.list', undefined), api.call('tunnels.profiles.list', undefined)]);
  const mine = new Set(profiles.filter((p) => (p.source.type === 'sso' ? p.source.ssoSession === source.id : p.source.profile === source.id)).map((p) => p.id));
  return { tabIds, tunnels: tunnels.filter((t) => mine.has(t.id)).map((t) => ({ id: t.id, name: t.name })) };
}

export function describeImpact(impact: SignOutImpact): string {
  const parts = [impact.tabIds.length ? `${impact.tabIds.length} shell${impact.tabIds.length === 1 ? '' : 's'}` : '', impact.tunnels.length ? `${impact.tunnels.length} tunnel${impact.tunnels.length === 1 ? '' : 's'} (${impact.tunnels.map((t) => t.name).join(', ')})` : ''].filter(Boolean);
  return parts.join(' and ');
}

export async function closeAll(impact: SignOutImpact): Promise<void> {
  await Promise.all([...impact.tabIds.map((id) => closeTab(id)), ...impact.tunnels.map((t) => api.call('tunnels.stop', { id: t.id }))]);
}
