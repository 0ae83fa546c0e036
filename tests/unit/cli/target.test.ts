import { describe, expect, it } from 'vitest';
import type { InstanceSummary } from '../../../preload/contract/inventory';
import { exitCodeFor } from '../../../main/cli/exit-codes';
import { resolveTarget } from '../../../main/cli/target';
import { sshTarget } from '../../../main/cli/commands/ssh-proxy';
import { sshConfigBlock } from '../../../main/cli/commands/ssh-config';
import { formatTable, selectInstances } from '../../../main/cli/commands/ls';

function instance(id: string, name: string | undefined, accountId = '111122223333', region = 'eu-west-1', extra: Partial<InstanceSummary> = {}): InstanceSummary {
  return {
    key: `sso/${accountId}/${region}/${id}`,
    sourceId: 'sso',
    accountId,
    accountName: accountId === '111122223333' ? 'prod' : 'staging',
    roleName: 'Admin',
    region,
    instanceId: id,
    ...(name ? { name } : {}),
    platform: 'Linux',
    pingStatus: 'Online',
    tags: {},
    resourceType: 'EC2Instance',
    ...extra,
  };
}

const FLEET = [
  instance('i-00000000000000001', 'web-1'),
  instance('i-00000000000000002', 'twin'),
  instance('i-00000000000000003', 'twin', '111122223333', 'us-east-1'),
  instance('i-00000000000000004', 'Db-Primary', '444455556666'),
  // The same machine seen through a second sign-in source: one candidate, not two.
  { ...instance('i-00000000000000001', 'web-1'), key: 'other/111122223333/eu-west-1/i-00000000000000001', sourceId: 'other' },
  instance('i-00000000000000005', undefined, '444455556666', 'eu-west-1', { pingStatus: 'ConnectionLost' }),
];

const fails = (query: string, aliases?: Record<string, string>) => {
  try {
    resolveTarget(query, FLEET, aliases ? { aliases } : {});
  } catch (err) {
    return { code: exitCodeFor(err), text: `${(err as Error).message}\n${(err as { hint?: string }).hint ?? ''}` };
  }
  throw new Error(`${query} resolved`);
};

describe('TARGET resolution', () => {
  it('accepts an instance id, a Name tag, account/region/name, a key and an alias', () => {
    expect(resolveTarget('i-00000000000000003', FLEET).region).toBe('us-east-1');
    expect(resolveTarget('web-1', FLEET).instanceId).toBe('i-00000000000000001');
    expect(resolveTarget('prod/us-east-1/twin', FLEET).instanceId).toBe('i-00000000000000003');
    expect(resolveTarget('111122223333/eu-west-1/twin', FLEET).instanceId).toBe('i-00000000000000002');
    expect(resolveTarget('sso/444455556666/eu-west-1/i-00000000000000005', FLEET).pingStatus).toBe('ConnectionLost');
    expect(resolveTarget('db', FLEET, { aliases: { db: 'staging/eu-west-1/Db-Primary' } }).instanceId).toBe('i-00000000000000004');
  });

  it('matches names exactly first, then ignoring case', () => {
    expect(resolveTarget('db-primary', FLEET).instanceId).toBe('i-00000000000000004');
  });

  it('lists the candidates of an ambiguous name (exit 4)', () => {
    const { code, text } = fails('twin');
    expect(code).toBe(4);
    expect(text).toContain('"twin" matches 2 instances');
    expect(text).toContain('prod/eu-west-1/twin (i-00000000000000002');
    expect(text).toContain('prod/us-east-1/twin (i-00000000000000003');
    expect(text).toContain('account/region/name');
  });

  it('suggests similar names when nothing matches (exit 4)', () => {
    const { code, text } = fails('web');
    expect(code).toBe(4);
    expect(text).toContain('No instance "web"');
    expect(text).toContain('Did you mean:\n  prod/eu-west-1/web-1');
    expect(fails('missing', { missing: 'nowhere' }).text).toContain('"missing" (alias for nowhere)');
  });

  it('strips the .bastionless suffix of ssh config host patterns', () => {
    expect(sshTarget('web-1.bastionless')).toBe('web-1');
    expect(sshTarget('i-00000000000000001')).toBe('i-00000000000000001');
  });

  it('prints a Host block whose ProxyCommand names node and the script', () => {
    const block = sshConfigBlock({ node: '/usr/bin/node', script: '/opt/my tools/bastionless.js', user: 'ec2-user' });
    expect(block).toContain('Host i-* mi-* *.bastionless\n');
    expect(block).toContain('    ProxyCommand /usr/bin/node "/opt/my tools/bastionless.js" ssh-proxy %h %p\n');
    expect(block).toContain('    User ec2-user\n');
  });
});

describe('ls selection and table', () => {
  it('filters by account id or name, region and search words, sorted by account, region, name', () => {
    expect(selectInstances(FLEET, { account: 'prod' }).map((i) => i.instanceId)).toEqual(['i-00000000000000002', 'i-00000000000000001', 'i-00000000000000001', 'i-00000000000000003']);
    expect(selectInstances(FLEET, { account: '444455556666', filter: 'primary' }).map((i) => i.instanceId)).toEqual(['i-00000000000000004']);
    expect(selectInstances(FLEET, { region: 'us-east-1' })).toHaveLength(1);
  });

  it('aligns columns', () => {
    const lines = formatTable([FLEET[0]!, FLEET[5]!]).split('\n');
    expect(lines[0]).toMatch(/^ACCOUNT\s+REGION\s+NAME\s+INSTANCE\s+PLATFORM\s+STATUS\s+IP$/);
    expect(lines[1]!.indexOf('i-00000000000000001')).toBe(lines[0]!.indexOf('INSTANCE'));
    expect(lines[2]).toContain('ConnectionLost');
  });
});
