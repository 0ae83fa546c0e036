import type { InstanceSummary } from '../../../preload/contract/inventory';
import type { SessionTarget } from '../aws/target';
import { AppError } from '../errors';
import type { TunnelProfile } from './profile-schema';

/**
 * Resolves a tag-query profile (autoscaled hosts whose ids change) to the one online instance in
 * the profile's account and region that carries every tag. Several matches are an error rather
 * than a silent pick: a tunnel to the wrong database host is worse than no tunnel.
 */
export function resolveTagTarget(
  profile: TunnelProfile,
  instances: readonly InstanceSummary[],
  resolveKey: (key: string) => SessionTarget,
): SessionTarget {
  if (profile.target.type !== 'tags') throw new AppError('target-unresolved', `Profile "${profile.name}" does not target instances by tag.`);
  const wanted = Object.entries(profile.target.tags);
  const sourceId = profile.source.type === 'sso' ? profile.source.ssoSession : profile.source.profile;
  const matches = instances.filter(
    (i) =>
      i.sourceId === sourceId &&
      i.accountId === profile.source.accountId &&
      i.region === profile.region &&
      i.pingStatus === 'Online' &&
      wanted.every(([key, value]) => i.tags[key] === value),
  );
  const query = wanted.map(([k, v]) => `${k}=${v}`).join(', ');
  if (matches.length === 0) {
    throw new AppError('target-unresolved', `No online instance in ${profile.source.accountId}/${profile.region} has the tags ${query}.`, 'Refresh the instance list, or check the tags in the profile.');
  }
  if (matches.length > 1) {
    const names = matches.map((m) => `${m.name ?? m.instanceId} (${m.instanceId})`).join(', ');
    throw new AppError('target-ambiguous', `${matches.length} instances match ${query}: ${names}.`, 'Add a tag that picks exactly one, or use an instance id.');
  }
  return resolveKey(matches[0]!.key);
}
