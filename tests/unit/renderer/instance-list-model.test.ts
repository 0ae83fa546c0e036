import { describe, expect, it } from 'vitest';
import type { InstanceSummary, ScanRow } from '../../../preload/contract';
import { buildItems, haystack, type Filters, type ListItem } from '../../../renderer/src/features/instances/model';

const instance = (name: string, accountId: string, accountName: string, region: string): InstanceSummary => ({
  key: `sso/${accountId}/${region}/i-${name}`,
  sourceId: 'sso',
  accountId,
  accountName,
  roleName: 'Admin',
  region,
  instanceId: `i-${name}`,
  name,
  pingStatus: 'Online',
  platform: 'Linux',
  tags: {},
  resourceType: 'EC2Instance',
});
const fleet = [instance('web-2', '210987654321', 'prod', 'eu-west-1'), instance('web-1', '210987654321', 'prod', 'eu-west-1'), instance('api', '210987654321', 'prod', 'us-east-1'), instance('box', '345678901234', 'sandbox', 'us-west-2')];
const denied: ScanRow = {
  id: 'sso/210987654321/ap-southeast-2',
  sourceId: 'sso',
  accountId: '210987654321',
  accountName: 'prod',
  region: 'ap-southeast-2',
  roleName: 'Admin',
  otherRoles: ['ReadOnly'],
  state: 'error',
  instances: 0,
  error: { code: 'access-denied', message: 'Access denied: ssm:DescribeInstanceInformation' },
};
const none: Filters = { query: '', platform: 'all', status: 'all', favouritesOnly: false };
const build = (filters = none, collapsed: string[] = [], groupBy: 'account' | 'region' = 'account') => buildItems(fleet, [denied], filters, new Set(), groupBy, haystack, new Set(collapsed));
/** One line per item, indented by level, as the list draws it. */
const outline = (items: ListItem[]) =>
  items.map((it) => (it.kind === 'parent' ? `${it.collapsed ? '+' : '-'} ${it.title} ${it.count}${it.failed ? ` (${it.failed} failed)` : ''}` : it.kind === 'group' ? `  ${it.collapsed ? '+' : '-'} ${it.title} ${it.count}${it.error ? ` ! ${it.error.message}` : ''}` : `    ${it.instance.name}`));

describe('instance list model', () => {
  it('builds an account → region tree, failures in place, names sorted', () => {
    expect(outline(build())).toEqual([
      '- prod (210987654321) 3 (1 failed)',
      '  - ap-southeast-2 0 ! Access denied: ssm:DescribeInstanceInformation',
      '  - eu-west-1 2',
      '    web-1',
      '    web-2',
      '  - us-east-1 1',
      '    api',
      '- sandbox (345678901234) 1',
      '  - us-west-2 1',
      '    box',
    ]);
    const group = build().find((it) => it.kind === 'group' && it.error);
    expect(group).toMatchObject({ accountId: '210987654321', region: 'ap-southeast-2', roleName: 'Admin', otherRoles: ['ReadOnly'] });
  });

  it('groups by region the other way round', () => {
    expect(outline(build(none, [], 'region')).filter((l) => !l.startsWith('    '))).toEqual([
      '- ap-southeast-2 0 (1 failed)',
      '  - prod (210987654321) 0 ! Access denied: ssm:DescribeInstanceInformation',
      '- eu-west-1 2',
      '  - prod (210987654321) 2',
      '- us-east-1 1',
      '  - prod (210987654321) 1',
      '- us-west-2 1',
      '  - sandbox (345678901234) 1',
    ]);
  });

  it('folds an account or one of its regions, and a search unfolds everything it matches', () => {
    expect(outline(build(none, ['account:210987654321']))).toEqual(['+ prod (210987654321) 3 (1 failed)', '- sandbox (345678901234) 1', '  - us-west-2 1', '    box']);
    expect(outline(build(none, ['210987654321|eu-west-1'])).slice(0, 4)).toEqual(['- prod (210987654321) 3 (1 failed)', '  - ap-southeast-2 0 ! Access denied: ssm:DescribeInstanceInformation', '  + eu-west-1 2', '  - us-east-1 1']);
    expect(outline(build({ ...none, query: 'web' }, ['account:210987654321', '210987654321|eu-west-1']))).toEqual(['- prod (210987654321) 2', '  - eu-west-1 2', '    web-1', '    web-2']);
  });
});
