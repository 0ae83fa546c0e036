import { describe, expect, it } from 'vitest';
import type { InstanceSummary } from '../../../preload/contract/inventory';
import type { SessionTarget } from '../../../main/core/aws/target';
import { ProfileSchema } from '../../../main/core/tunnels/profile-schema';
import { resolveTagTarget } from '../../../main/core/tunnels/tag-target';

const profile = ProfileSchema.parse({
  id: 'db-prod-1',
  name: 'prod db',
  source: { type: 'sso', ssoSession: 'corp', accountId: '111122223333', roleName: 'Admin' },
  region: 'eu-west-1',
  target: { type: 'tags', tags: { role: 'bastion', env: 'prod' } },
  remotePort: 5432,
  kind: 'postgres',
  createdAt: new Date(0).toISOString(),
});

const instance = (id: string, tags: Record<string, string>, patch: Partial<InstanceSummary> = {}): InstanceSummary => ({
  key: `corp/111122223333/eu-west-1/${id}`,
  sourceId: 'corp',
  accountId: '111122223333',
  accountName: 'prod',
  roleName: 'Admin',
  region: 'eu-west-1',
  instanceId: id,
  platform: 'Linux',
  pingStatus: 'Online',
  tags,
  resourceType: 'EC2Instance',
  ...patch,
});

const resolveKey = (key: string): SessionTarget => {
  const instanceId = key.split('/').at(-1)!;
  return { sourceId: 'corp', accountId: '111122223333', roleName: 'Admin', region: 'eu-west-1', instanceId, platform: 'Linux' };
};

describe('tag-query tunnel targets', () => {
  it('picks the one online instance in the profile scope carrying every tag', () => {
    const target = resolveTagTarget(
      profile,
      [
        instance('i-0000000000000001', { role: 'bastion', env: 'prod' }, { pingStatus: 'ConnectionLost' }),
        instance('i-0000000000000002', { role: 'bastion', env: 'staging' }),
        instance('i-0000000000000003', { role: 'bastion', env: 'prod' }, { region: 'us-east-1' }),
        instance('i-0000000000000004', { role: 'bastion', env: 'prod' }, { sourceId: 'other' }),
        instance('i-0000000000000005', { role: 'bastion', env: 'prod', extra: 'x' }),
      ],
      resolveKey,
    );
    expect(target.instanceId).toBe('i-0000000000000005');
  });

  it('refuses to guess between several matches, naming them', () => {
    expect(() =>
      resolveTagTarget(profile, [instance('i-0000000000000006', { role: 'bastion', env: 'prod' }), instance('i-0000000000000007', { role: 'bastion', env: 'prod' })], resolveKey),
    ).toThrow(/2 instances match role=bastion, env=prod: .*i-0000000000000006.*i-0000000000000007/);
  });

  it('says what to do when nothing matches', () => {
    expect(() => resolveTagTarget(profile, [], resolveKey)).toThrow(/No online instance in 111122223333\/eu-west-1 has the tags role=bastion, env=prod/);
  });
});
