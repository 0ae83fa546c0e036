import type { InstanceSummary, ScanRow } from '../../../../preload/contract';

/**
 * The explorer's pure logic: search, filters and grouping into one flat list the virtualiser
 * draws (group headers, instances, and scan errors in place).
 */

export type GroupBy = 'account' | 'region';

export interface Filters {
  query: string;
  platform: 'all' | InstanceSummary['platform'];
  status: 'all' | 'online' | 'offline';
  favouritesOnly: boolean;
}

/**
 * A tree two levels deep, flattened for the virtualiser: a parent per account (or per region),
 * then its account-regions, then their instances. Ids of parents and groups are what the user's
 * folded set (preferences.collapsedGroups) holds.
 */
export type ListItem =
  | { kind: 'parent'; id: string; title: string; count: number; failed: number; collapsed: boolean }
  | {
      kind: 'group';
      id: string;
      parentId: string;
      title: string;
      accountId: string;
      region: string;
      count: number;
      error?: ScanRow['error'];
      roleName?: string;
      otherRoles?: string[];
      loading: boolean;
      collapsed: boolean;
    }
  | { kind: 'instance'; id: string; instance: InstanceSummary };

export function haystack(i: InstanceSummary): string {
  return [
    i.name,
    i.instanceId,
    i.privateIp,
    i.computerName,
    i.platform,
    i.platformName,
    i.accountName,
    i.accountId,
    i.region,
    i.roleName,
    ...Object.entries(i.tags).map(([k, v]) => `${k}=${v}`),
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
}

export function matches(i: InstanceSummary, hay: string, f: Filters, favourites: ReadonlySet<string>): boolean {
  if (f.platform !== 'all' && i.platform !== f.platform) return false;
  if (f.status === 'online' && i.pingStatus !== 'Online') return false;
  if (f.status === 'offline' && i.pingStatus === 'Online') return false;
  if (f.favouritesOnly && !favourites.has(i.key)) return false;
  // Every word must appear somewhere: "prod web 10.0" narrows step by step.
  return f.query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => hay.includes(word));
}

const byName = (a: InstanceSummary, b: InstanceSummary) => (a.name ?? a.instanceId).localeCompare(b.name ?? b.instanceId);

/** The id of the tree's top level an account-region falls under (what a fold of it is stored as). */
export const parentIdOf = (groupBy: GroupBy, at: { accountId: string; region: string }): string => (groupBy === 'account' ? `account:${at.accountId}` : `region:${at.region}`);

export function buildItems(
  instances: readonly InstanceSummary[],
  rows: readonly ScanRow[],
  filters: Filters,
  favourites: ReadonlySet<string>,
  groupBy: GroupBy,
  hay: (i: InstanceSummary) => string,
  collapsed: ReadonlySet<string> = new Set(),
): ListItem[] {
  interface Group { accountId: string; region: string; title: string; sort: string; instances: InstanceSummary[]; row?: ScanRow }
  const parents = new Map<string, { title: string; sort: string; groups: Map<string, Group> }>();
  const groupOf = (accountId: string, accountName: string, region: string) => {
    const account = `${accountName} (${accountId})`;
    const where = region === '*' ? 'all regions' : region;
    const parentId = parentIdOf(groupBy, { accountId, region });
    const [parentTitle, parentSort, childTitle, childSort] = groupBy === 'account' ? [account, `${accountName}|${accountId}`, where, region] : [where, region, account, `${accountName}|${accountId}`];
    let parent = parents.get(parentId);
    if (!parent) parents.set(parentId, (parent = { title: parentTitle, sort: parentSort, groups: new Map() }));
    const id = `${accountId}|${region}`;
    let g = parent.groups.get(id);
    if (!g) parent.groups.set(id, (g = { accountId, region, title: childTitle, sort: childSort, instances: [] }));
    return g;
  };
  for (const i of instances) if (matches(i, hay(i), filters, favourites)) groupOf(i.accountId, i.accountName, i.region).instances.push(i);
  const filtering = filters.query.trim() !== '' || filters.favouritesOnly;
  for (const row of rows) {
    // Failures stay visible unless the person is narrowing to something specific.
    if (row.error && !filtering) groupOf(row.accountId, row.accountName, row.region).row = row;
    else if ((row.state === 'loading' || row.state === 'pending') && !filtering) {
      const g = parents.get(parentIdOf(groupBy, row))?.groups.get(`${row.accountId}|${row.region}`);
      if (g) g.row = row;
    }
  }
  // A search shows every match, folded or not: a hit hidden in a folded group would look like no hit.
  const folded = (id: string) => !filtering && collapsed.has(id);
  const bySort = <T extends { sort: string }>(a: [string, T], b: [string, T]) => a[1].sort.localeCompare(b[1].sort);
  const items: ListItem[] = [];
  for (const [parentId, parent] of [...parents.entries()].sort(bySort)) {
    const groups = [...parent.groups.entries()].filter(([, g]) => g.instances.length > 0 || g.row?.error).sort(bySort);
    if (groups.length === 0) continue;
    const count = groups.reduce((n, [, g]) => n + g.instances.length, 0);
    const failed = groups.filter(([, g]) => g.row?.error && g.row.error.code !== 'names-missing').length;
    items.push({ kind: 'parent', id: parentId, title: parent.title, count, failed, collapsed: folded(parentId) });
    if (folded(parentId)) continue;
    for (const [id, g] of groups) {
      const row = g.row;
      items.push({
        kind: 'group',
        id,
        parentId,
        title: g.title,
        accountId: g.accountId,
        region: g.region,
        count: g.instances.length,
        ...(row?.error ? { error: row.error, ...(row.roleName ? { roleName: row.roleName } : {}), ...(row.otherRoles?.length ? { otherRoles: row.otherRoles } : {}) } : {}),
        loading: row?.state === 'loading',
        collapsed: folded(id),
      });
      if (!folded(id)) for (const i of g.instances.sort(byName)) items.push({ kind: 'instance', id: i.key, instance: i });
    }
  }
  return items;
}
