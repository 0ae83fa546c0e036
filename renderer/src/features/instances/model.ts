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

export type ListItem =
  | { kind: 'group'; id: string; title: string; detail: string; count: number; error?: ScanRow['error']; loading: boolean }
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

export function buildItems(
  instances: readonly InstanceSummary[],
  rows: readonly ScanRow[],
  filters: Filters,
  favourites: ReadonlySet<string>,
  groupBy: GroupBy,
  hay: (i: InstanceSummary) => string,
): ListItem[] {
  const groups = new Map<string, { title: string; detail: string; sort: string; instances: InstanceSummary[]; row?: ScanRow }>();
  const groupOf = (accountId: string, accountName: string, region: string) => {
    const id = groupBy === 'account' ? `${accountId}|${region}` : `${region}|${accountId}`;
    let g = groups.get(id);
    if (!g) {
      const account = `${accountName} (${accountId})`;
      const where = region === '*' ? 'all regions' : region;
      g = groupBy === 'account' ? { title: account, detail: where, sort: `${accountName}|${region}`, instances: [] } : { title: where, detail: account, sort: `${region}|${accountName}`, instances: [] };
      groups.set(id, g);
    }
    return g;
  };
  for (const i of instances) if (matches(i, hay(i), filters, favourites)) groupOf(i.accountId, i.accountName, i.region).instances.push(i);
  const filtering = filters.query.trim() !== '' || filters.favouritesOnly;
  for (const row of rows) {
    // Failures stay visible unless the person is narrowing to something specific.
    if (row.error && !filtering) groupOf(row.accountId, row.accountName, row.region).row = row;
    else if ((row.state === 'loading' || row.state === 'pending') && !filtering) {
      const id = groupBy === 'account' ? `${row.accountId}|${row.region}` : `${row.region}|${row.accountId}`;
      const g = groups.get(id);
      if (g) g.row = row;
    }
  }
  const items: ListItem[] = [];
  for (const [id, g] of [...groups.entries()].sort((a, b) => a[1].sort.localeCompare(b[1].sort))) {
    if (g.instances.length === 0 && !g.row?.error) continue;
    items.push({ kind: 'group', id, title: g.title, detail: g.detail, count: g.instances.length, ...(g.row?.error ? { error: g.row.error } : {}), loading: g.row?.state === 'loading' });
    for (const i of g.instances.sort(byName)) items.push({ kind: 'instance', id: i.key, instance: i });
  }
  return items;
}
