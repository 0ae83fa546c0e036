import type { InstanceSummary, ScanRow } from '../../../preload/contract/inventory';
import { haystack, matches } from '../../../renderer/src/features/instances/model';
import type { LsArgs } from '../args';
import type { CliContext } from '../context';
import { ExitCode } from '../exit-codes';
import { cachedInstances, freshInstances, requireSignedIn } from '../instances';
import { formatColumns } from '../table';

/**
 * `bastionless ls`: the app's inventory (same scan, same cache) as a table or JSON. Failed
 * (account, region) scans are one stderr line each; they never hide what did load.
 */

const COLUMNS = ['ACCOUNT', 'REGION', 'NAME', 'INSTANCE', 'PLATFORM', 'STATUS', 'IP'] as const;

function accountMatches(wanted: string | undefined, accountId: string, accountName: string): boolean {
  return !wanted || wanted === accountId || wanted.toLowerCase() === accountName.toLowerCase();
}

/** `favourites`: the starred instance keys (preferences), consulted when args.favourites is set. */
export function selectInstances(instances: readonly InstanceSummary[], args: Pick<LsArgs, 'account' | 'region' | 'filter'> & { favourites?: boolean }, favourites: ReadonlySet<string> = new Set()): InstanceSummary[] {
  const filters = { query: args.filter ?? '', platform: 'all', status: 'all', favouritesOnly: args.favourites ?? false } as const;
  return instances
    .filter((i) => accountMatches(args.account, i.accountId, i.accountName) && (!args.region || i.region === args.region) && matches(i, haystack(i), filters, favourites))
    .sort((a, b) => a.accountName.localeCompare(b.accountName) || a.region.localeCompare(b.region) || (a.name ?? a.instanceId).localeCompare(b.name ?? b.instanceId) || a.key.localeCompare(b.key));
}

export function formatTable(instances: readonly InstanceSummary[]): string {
  return formatColumns(
    COLUMNS,
    instances.map((i) => [i.accountName, i.region, i.name ?? '-', i.instanceId, i.platform, i.pingStatus === 'Online' ? (i.state ?? 'online') : i.pingStatus, i.privateIp ?? '-']),
  );
}

export function describeScanError(row: Pick<ScanRow, 'accountName' | 'accountId' | 'region' | 'error'>): string {
  const where = row.region === '*' ? `${row.accountName} (${row.accountId})` : `${row.accountName} (${row.accountId}) ${row.region}`;
  // AWS's own sentence goes on a second line: the short cause stays greppable, the sentence pasteable.
  return `error: ${where}: ${row.error?.message ?? 'scan failed'}${row.error?.hint ? ` — ${row.error.hint}` : ''}${row.error?.detail ? `\n  AWS said: ${row.error.detail}` : ''}`;
}

export async function ls(ctx: CliContext, args: LsArgs): Promise<number> {
  const core = ctx.core();
  await requireSignedIn(core);
  const all = args.cached ? await cachedInstances(core) : await freshInstances(core);
  const snapshot = core.aws.inventory.snapshot();
  const failed = snapshot.rows.filter((r) => r.state === 'error' && r.error && accountMatches(args.account, r.accountId, r.accountName) && (!args.region || r.region === args.region || r.region === '*'));
  for (const row of failed) ctx.say(describeScanError(row));
  const favourites = args.favourites ? new Set(await core.preferences.get('favourites')) : undefined;
  const selected = selectInstances(all, args, favourites);
  if (args.json) ctx.out(JSON.stringify(selected, null, 2));
  else if (selected.length) ctx.out(formatTable(selected));
  if (args.cached) {
    const at = snapshot.progress.updatedAt;
    ctx.say(at ? `(cached inventory from ${new Date(at).toLocaleString()}; run without --cached to refresh)` : '(no cached inventory yet; run `bastionless ls` without --cached)');
  } else if (!args.json && !selected.length) {
    if (favourites && favourites.size === 0) ctx.say('No favourites yet: star instances in the app (☆ Favourite in their details).');
    else ctx.say(all.length ? `No instance matches (${all.length} in the inventory).` : 'No instances found in the signed-in accounts.');
  }
  // Nothing loaded and something failed: the scan as a whole did not work.
  return all.length === 0 && failed.length > 0 ? ExitCode.failure : ExitCode.ok;
}
