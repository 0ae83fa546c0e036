import type { SessionRecord, SessionScopeResult } from '../../../../preload/contract';

/** The Sessions view's filters, applied in place to one listing of everything. */
export interface SessionFilters {
  mine: boolean;
  activeOnly: boolean;
  /** `${sourceId}/${accountId}/${region}/${instanceId}` (an instance key), or '' for all. */
  instance: string;
}

export const NO_FILTERS: SessionFilters = { mine: false, activeOnly: false, instance: '' };

/** The instance key a session's target has in the inventory (same account-region and source). */
export function targetKey(s: SessionRecord): string {
  return `${s.scope.sourceId}/${s.scope.accountId}/${s.scope.region}/${s.target}`;
}

export function visibleSessions(sessions: readonly SessionRecord[], f: SessionFilters): SessionRecord[] {
  return sessions.filter((s) => (!f.mine || s.mine) && (!f.activeOnly || s.state === 'Active') && (!f.instance || targetKey(s) === f.instance));
}

/** The instances sessions ran on, for the "this instance" picker: key → label, by label. */
export function sessionTargets(sessions: readonly SessionRecord[]): Array<{ key: string; label: string }> {
  const byKey = new Map<string, string>();
  for (const s of sessions) if (s.target) byKey.set(targetKey(s), s.targetName ? `${s.targetName} (${s.target})` : s.target);
  return [...byKey].map(([key, label]) => ({ key, label })).sort((a, b) => a.label.localeCompare(b.label));
}

/** "arn:aws:sts::1:assumed-role/AWSReservedSSO_Admin_x/alice" → "alice": the role session name. */
export function ownerName(owner: string | undefined): string {
  return owner?.split('/').pop() || '—';
}

/** Local date and time to the minute, e.g. "2026-12-01 09:30"; "—" when absent. */
export function shortTime(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** Merges one account-region's streamed answer into what the view holds (a place answers once per listing). */
export function mergeScope(held: { sessions: SessionRecord[]; scopes: SessionScopeResult[] }, result: SessionScopeResult, sessions: readonly SessionRecord[]) {
  return {
    sessions: [...held.sessions, ...sessions].sort((a, b) => (b.startDate ?? 0) - (a.startDate ?? 0)),
    scopes: [...held.scopes, result],
  };
}
