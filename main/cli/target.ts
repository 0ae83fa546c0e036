import type { InstanceSummary } from '../../preload/contract/inventory';
import { AppError } from '../core/errors';

/**
 * TARGET on the command line → one instance of the inventory. Accepted forms, tried in order:
 *   an alias (from `bastionless alias set`), an instance id (i-…, mi-…), an inventory key
 *   (source/account/region/instance), account/region/name (account by id or name), a Name tag.
 * A name is matched exactly first, then ignoring case. Several matches are an error that lists
 * them: connecting to the wrong host is worse than asking.
 */

const INSTANCE_ID = /^(i-[0-9a-f]{8,17}|mi-[0-9a-f]{17})$/;

export function describeInstance(i: InstanceSummary): string {
  const status = i.pingStatus === 'Online' ? '' : `, ${i.pingStatus}`;
  return `${i.accountName}/${i.region}/${i.name ?? i.instanceId} (${i.instanceId}, account ${i.accountId}${status})`;
}

/** The same machine seen through two sign-in sources or roles is one candidate, not an ambiguity. */
function distinctMachines(found: InstanceSummary[]): InstanceSummary[] {
  const byMachine = new Map<string, InstanceSummary>();
  const rank = (i: InstanceSummary) => (i.pingStatus === 'Online' ? 0 : 1);
  for (const i of [...found].sort((a, b) => rank(a) - rank(b) || a.key.localeCompare(b.key))) {
    const id = `${i.accountId}/${i.region}/${i.instanceId}`;
    if (!byMachine.has(id)) byMachine.set(id, i);
  }
  return [...byMachine.values()];
}

function byName(instances: readonly InstanceSummary[], name: string): InstanceSummary[] {
  const exact = instances.filter((i) => i.name === name || i.instanceId === name);
  if (exact.length) return exact;
  const lower = name.toLowerCase();
  return instances.filter((i) => i.name?.toLowerCase() === lower);
}

function candidates(query: string, instances: readonly InstanceSummary[]): InstanceSummary[] {
  if (INSTANCE_ID.test(query)) return instances.filter((i) => i.instanceId === query);
  const parts = query.split('/');
  if (parts.length === 4) return instances.filter((i) => i.key === query);
  if (parts.length === 3) {
    const [account, region, name] = parts as [string, string, string];
    const lowerAccount = account.toLowerCase();
    const scoped = instances.filter((i) => (i.accountId === account || i.accountName.toLowerCase() === lowerAccount) && i.region === region);
    return byName(scoped, name);
  }
  return byName(instances, query);
}

export interface ResolveOptions {
  aliases?: Readonly<Record<string, string>>;
  /** Says where the list came from, for the hint ("the cached inventory", …). */
  source?: string;
}

export function resolveTarget(rawQuery: string, instances: readonly InstanceSummary[], options: ResolveOptions = {}): InstanceSummary {
  const query = rawQuery.trim();
  if (!query) throw new AppError('target-not-found', 'TARGET is empty.', 'Give an instance id, a Name tag, account/region/name or an alias.');
  const aliased = options.aliases?.[query];
  const effective = aliased ?? query;
  const found = distinctMachines(candidates(effective, instances));
  const shown = aliased ? `"${query}" (alias for ${aliased})` : `"${query}"`;
  if (found.length === 1) return found[0]!;
  if (found.length > 1) {
    const list = found.map((i) => `  ${describeInstance(i)}`).join('\n');
    throw new AppError('target-ambiguous', `${shown} matches ${found.length} instances:\n${list}`, 'Name one of them as account/region/name or by its instance id.');
  }
  const lower = effective.toLowerCase();
  const similar = distinctMachines(instances.filter((i) => (i.name ?? '').toLowerCase().includes(lower) || i.instanceId.includes(lower))).slice(0, 5);
  const where = options.source ?? 'the inventory';
  throw new AppError(
    'target-not-found',
    `No instance ${shown} in ${where} (${instances.length} instances).`,
    similar.length
      ? `Did you mean:\n${similar.map((i) => `  ${describeInstance(i)}`).join('\n')}`
      : instances.length
        ? 'Run `bastionless ls --filter TEXT` to find it; its account or region may not be scanned (check the errors `ls` prints).'
        : 'Run `bastionless login`, then `bastionless ls` to see the instances you can reach.',
  );
}
