import type { Session } from '@aws-sdk/client-ssm';
import type { IpcError } from '../../../preload/contract/define';
import {
  SessionQuerySchema,
  type SessionListing,
  type SessionQuery,
  type SessionRecord,
  type SessionScope,
  type SessionScopeResult,
  type SessionStatus,
} from '../../../preload/contract/sessions';
import { explainScanError } from '../aws/inventory';
import { createLimiter } from '../aws/limiter';
import type { SessionService } from '../aws/sessions';
import { AppError } from '../errors';

import type { SessionLogging } from '../countdown/model';
import { sessionLogLinks } from './log-links';
/**
 * Session history and terminate across every signed-in account-region: the places and roles the
 * inventory scanned (never a second enumeration), one DescribeSessions per place and State,
 * merged newest first. A place that fails keeps its error on its own row; the rest still list.
 */

/** One of this app's own sessions (a shell tab, a tunnel): terminating it goes through its close path. */
export interface LocalSession {
  sessionId: string;
  kind: 'tab' | 'tunnel';
  label: string;
  close(): Promise<void>;
}

export interface SessionHistoryOptions {
  /** The account-regions to ask, with the role to ask as (InventoryService.scopes). */
  scopes(): SessionScope[];
  /** The Name of an instance the inventory knows, for display. */
  instanceName(scope: SessionScope, instanceId: string): string | undefined;
  api: Pick<SessionService, 'describe' | 'terminate'>;
  /** The ARN the scope's credentials act as (STS GetCallerIdentity): what DescribeSessions calls Owner. */
  callerArn(scope: Pick<SessionScope, 'sourceId' | 'accountId' | 'roleName' | 'region'>): Promise<string>;
  local?(): LocalSession[];
  /** Where the scope's preferences send session logs (undefined: off, or not readable). */
  logging?(scope: SessionScope): Promise<SessionLogging | undefined>;
  /** Account-regions asked at once. */
  concurrency?: number;
}

const STATUSES = new Set<string>(['Connected', 'Connecting', 'Disconnected', 'Terminated', 'Terminating', 'Failed']);

export function sessionKey(scope: Pick<SessionScope, 'sourceId' | 'accountId' | 'region'>, sessionId: string): string {
  return `${scope.sourceId}/${scope.accountId}/${scope.region}/${sessionId}`;
}

function toError(err: unknown, scope: SessionScope): IpcError {
  return explainScanError(err, scope, 'ssm:DescribeSessions');
}

export class SessionHistoryService {
  /** What the last listing found, so terminate(key) knows where a session lives. */
  private readonly known = new Map<string, SessionRecord>();

  constructor(private readonly options: SessionHistoryOptions) {}

  /**
   * Lists sessions everywhere. `onScope` is called as each account-region answers (streaming
   * for the UI); the promise resolves with the merged whole.
   */
  async list(query: SessionQuery = {}, onScope?: (result: SessionScopeResult, sessions: SessionRecord[]) => void): Promise<SessionListing> {
    const parsed = SessionQuerySchema.safeParse(query);
    if (!parsed.success) throw new AppError('bad-query', `Invalid session query: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ')}`, 'Pass state active|history|all, an instance id as target, a session id, and mine true or false.');
    const q = parsed.data;
    const states: Array<'Active' | 'History'> = q.state === 'active' ? ['Active'] : q.state === 'history' ? ['History'] : ['Active', 'History'];
    const limiter = createLimiter(this.options.concurrency ?? 16);
    const local = new Map((this.options.local?.() ?? []).map((l) => [l.sessionId, l]));
    const sessions: SessionRecord[] = [];
    const scopes: SessionScopeResult[] = [];
    await Promise.all(
      this.options.scopes().map((scope) =>
        limiter.run(async () => {
          let result: SessionScopeResult;
          let found: SessionRecord[] = [];
          try {
            const arn = await this.options.callerArn(scope);
            const filters = [
              ...(q.target ? [{ key: 'Target' as const, value: q.target }] : []),
              ...(q.mine ? [{ key: 'Owner' as const, value: arn }] : []),
              ...(q.sessionId ? [{ key: 'SessionId' as const, value: q.sessionId }] : []),
            ];
            // Preferences are only for log links: a refusal there costs the links, never the listing.
            const [pages, logging] = await Promise.all([
              Promise.all(states.map(async (state) => ({ state, list: await this.options.api.describe(scope, state, filters) }))),
              this.options.logging?.(scope).catch(() => undefined),
            ]);
            found = pages.flatMap(({ state, list }) => list.flatMap((s) => this.record(scope, state, s, arn, local, logging)));
            result = { scope, state: 'done', sessions: found.length };
          } catch (err) {
            result = { scope, state: 'error', sessions: 0, error: toError(err, scope) };
          }
          sessions.push(...found);
          scopes.push(result);
          onScope?.(result, found);
        }),
      ),
    );
    sessions.sort((a, b) => (b.startDate ?? 0) - (a.startDate ?? 0) || a.key.localeCompare(b.key));
    scopes.sort((a, b) => a.scope.accountName.localeCompare(b.scope.accountName) || a.scope.region.localeCompare(b.scope.region) || a.scope.sourceId.localeCompare(b.scope.sourceId));
    for (const s of sessions) this.known.set(s.key, s);
    return { sessions, scopes };
  }

  /** A session of the last listing by key, or by session id when that is unambiguous. */
  find(keyOrId: string): SessionRecord {
    const byKey = this.known.get(keyOrId);
    if (byKey) return byKey;
    const byId = [...this.known.values()].filter((s) => s.sessionId === keyOrId);
    if (byId.length === 1) return byId[0]!;
    if (byId.length > 1) throw new AppError('session-ambiguous', `Session ${keyOrId} was found in ${byId.length} account-regions.`, 'Pass the session key instead.');
    throw new AppError('session-not-found', `No session ${keyOrId} in any signed-in account-region.`, 'List sessions (bastionless sessions) to see the ids; a session older than 30 days is no longer listed.');
  }

  /**
   * Ends a session. This app's own tabs and tunnels close through their normal path (so they do
   * not reconnect); any other goes to TerminateSession, and AWS's refusal is kept word for word.
   */
  async terminate(keyOrId: string): Promise<SessionRecord> {
    const record = this.find(keyOrId);
    const local = this.options.local?.().find((l) => l.sessionId === record.sessionId);
    if (local) {
      await local.close();
      return record;
    }
    try {
      await this.options.api.terminate(record.scope, record.sessionId);
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      const message = err instanceof Error ? err.message : String(err);
      if (/AccessDenied/i.test(name))
        throw new AppError('access-denied', message, `Role ${record.scope.roleName} in ${record.scope.accountName} needs ssm:TerminateSession on this session; pick a role that has it, or ask the owner to end it.`, { cause: err });
      throw new AppError('terminate-failed', `TerminateSession failed for ${record.sessionId}: ${name ? `${name}: ` : ''}${message}`, undefined, { cause: err });
    }
    return record;
  }

  private record(scope: SessionScope, state: 'Active' | 'History', s: Session, callerArn: string, local: ReadonlyMap<string, LocalSession>, logging: SessionLogging | undefined): SessionRecord[] {
    if (!s.SessionId) return [];
    const logs = sessionLogLinks(scope.region, s.SessionId, logging);
    const target = s.Target ?? '';
    const name = target ? this.options.instanceName(scope, target) : undefined;
    const mine = local.get(s.SessionId);
    return [
      {
        key: sessionKey(scope, s.SessionId),
        sessionId: s.SessionId,
        scope,
        target,
        ...(name ? { targetName: name } : {}),
        state,
        status: (s.Status && STATUSES.has(s.Status) ? s.Status : 'Unknown') as SessionStatus,
        ...(s.StartDate ? { startDate: s.StartDate.getTime() } : {}),
        ...(s.EndDate ? { endDate: s.EndDate.getTime() } : {}),
        ...(s.DocumentName ? { documentName: s.DocumentName } : {}),
        ...(s.Owner ? { owner: s.Owner } : {}),
        ...(s.Reason ? { reason: s.Reason } : {}),
        mine: s.Owner === callerArn,
        ...(mine ? { local: { kind: mine.kind, label: mine.label } } : {}),
        ...(logs.cloudWatch || logs.s3 ? { logs } : {}),
      },
    ];
  }
}
