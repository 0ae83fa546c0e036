import { localClockTime, type InstanceSummary, type SourceInfo } from '../../../../preload/contract';

/** Sources whose instances are listed but which cannot hand out credentials now (signed out, expired). */
export function signedOutSources(sources: readonly SourceInfo[] | undefined, instances: readonly InstanceSummary[]): Map<string, SourceInfo> {
  const unusable = new Map((sources ?? []).filter((s) => s.kind === 'sso' && (s.state === 'signed-out' || s.state === 'expired' || s.state === 'error')).map((s) => [s.id, s]));
  const listed = new Set(instances.map((i) => i.sourceId));
  return new Map([...unusable].filter(([id]) => listed.has(id)));
}

/** "today at 09:41" or "6 Dec at 17:02": when the cached list was last complete. */
export function listedWhen(at: number | undefined, now: number): string {
  if (at === undefined) return 'an earlier run';
  const d = new Date(at);
  const time = localClockTime(at);
  return d.toDateString() === new Date(now).toDateString() ? `today at ${time}` : `${d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })} at ${time}`;
}
