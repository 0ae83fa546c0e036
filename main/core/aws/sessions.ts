import {
  paginateDescribeSessions,
  ResumeSessionCommand,
  SSMClient,
  StartSessionCommand,
  TerminateSessionCommand,
  type Session,
  type SessionFilter,
  type SSMClientConfig,
} from '@aws-sdk/client-ssm';
import { AppError } from '../errors';
import { errorName } from './aws-errors';
import type { CredentialsForTarget, SessionTarget } from './target';

/**
 * StartSession / ResumeSession / TerminateSession for a target, and DescribeSessions for an
 * account-region, with the credentials of its (source, account, role).
 * Endpoints come from the SDK's standard configuration (AWS_ENDPOINT_URL_SSM etc.), so the same
 * code talks to AWS or to the emulator.
 */

export interface StartSessionOptions {
  /** Omitted: the account's default shell document (SSM-SessionManagerRunShell). */
  documentName?: string;
  parameters?: Record<string, string[]>;
  reason?: string;
}

export interface StartedSession {
  sessionId: string;
  tokenValue: string;
  streamUrl: string;
}

/** What a session API call needs of a target: whose credentials, and where. */
export type SessionApiScope = Pick<SessionTarget, 'sourceId' | 'accountId' | 'roleName' | 'region'>;

export interface SessionService {
  start(target: SessionTarget, options?: StartSessionOptions): Promise<StartedSession>;
  /** The error of the last StartSession on this target, while no later one succeeded (the doctor translates it). */
  lastStartFailure(target: SessionTarget): unknown;
  /** New token (and URL) for a session whose socket dropped; throws AppError 'session-gone' when refused. */
  resume(target: SessionTarget, sessionId: string): Promise<{ tokenValue: string; streamUrl: string }>;
  terminate(scope: SessionApiScope, sessionId: string): Promise<void>;
  /** Every page of DescribeSessions in one account-region; AWS errors are thrown as the SDK raised them. */
  describe(scope: SessionApiScope, state: 'Active' | 'History', filters?: SessionFilter[]): Promise<Session[]>;
}

export interface SessionServiceOptions {
  credentials: CredentialsForTarget;
  /** Extra SDK client settings (tests pass an explicit endpoint). */
  clientConfig?: Partial<SSMClientConfig>;
}


function explainStartError(err: unknown, target: SessionTarget): AppError {
  const label = target.name ? `${target.name} (${target.instanceId})` : target.instanceId;
  const message = err instanceof Error ? err.message : String(err);
  switch (errorName(err)) {
    case 'TargetNotConnected':
      return new AppError('target-not-connected', `${label} is not connected to Session Manager.`, 'Check that the instance is running and its SSM agent is online, then try again.', { cause: err });
    case 'InvalidDocument':
      return new AppError('invalid-document', `The session document was refused: ${message}`, 'Check the document name in the instance or profile settings.', { cause: err });
    case 'AccessDeniedException':
      return new AppError('access-denied', `Role ${target.roleName} in ${target.accountId} may not start sessions on ${label}.`, 'Pick a role with ssm:StartSession for this instance, or ask your administrator.', { cause: err });
    case 'ThrottlingException':
      return new AppError('throttled', 'AWS is throttling StartSession for this account and region.', 'Wait a few seconds and try again.', { cause: err });
    default:
      return new AppError('start-session-failed', `Could not start a session on ${label}: ${message}`, undefined, { cause: err });
  }
}

export function createSessionService(options: SessionServiceOptions): SessionService {
  // One client per (source, account, role, region): SDK clients hold their own credential caches.
  const clients = new Map<string, SSMClient>();
  const clientFor = (target: SessionApiScope) => {
    const key = `${target.sourceId}|${target.accountId}|${target.roleName}|${target.region}`;
    let client = clients.get(key);
    if (!client) {
      client = new SSMClient({ region: target.region, credentials: options.credentials(target), ...options.clientConfig });
      clients.set(key, client);
    }
    return client;
  };

  // Per (source, account, role, region, instance): what the last failed StartSession answered.
  const failures = new Map<string, unknown>();
  const failureKey = (t: SessionTarget) => `${t.sourceId}|${t.accountId}|${t.roleName}|${t.region}|${t.instanceId}`;

  return {
    lastStartFailure: (target) => failures.get(failureKey(target)),
    async start(target, startOptions = {}) {
      try {
        const out = await clientFor(target).send(
          new StartSessionCommand({
            Target: target.instanceId,
            ...(startOptions.documentName ? { DocumentName: startOptions.documentName } : {}),
            ...(startOptions.parameters ? { Parameters: startOptions.parameters } : {}),
            ...(startOptions.reason ? { Reason: startOptions.reason } : {}),
          }),
        );
        if (!out.SessionId || !out.TokenValue || !out.StreamUrl) {
          throw new AppError('start-session-failed', 'StartSession answered without a session id, token or stream URL.');
        }
        failures.delete(failureKey(target));
        return { sessionId: out.SessionId, tokenValue: out.TokenValue, streamUrl: out.StreamUrl };
      } catch (err) {
        const explained = err instanceof AppError ? err : explainStartError(err, target);
        failures.set(failureKey(target), explained);
        throw explained;
      }
    },
    async resume(target, sessionId) {
      try {
        const out = await clientFor(target).send(new ResumeSessionCommand({ SessionId: sessionId }));
        if (!out.TokenValue) throw new AppError('session-gone', `Session ${sessionId} timed out.`);
        return { tokenValue: out.TokenValue, streamUrl: out.StreamUrl ?? '' };
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw new AppError('session-gone', `Session ${sessionId} can no longer be resumed: ${err instanceof Error ? err.message : String(err)}`, 'Start a new session.', { cause: err });
      }
    },
    async terminate(scope, sessionId) {
      await clientFor(scope).send(new TerminateSessionCommand({ SessionId: sessionId }));
    },
    async describe(scope, state, filters) {
      const out: Session[] = [];
      // 200 is DescribeSessions' largest page: a month of history in few round trips.
      for await (const page of paginateDescribeSessions({ client: clientFor(scope), pageSize: 200 }, { State: state, ...(filters?.length ? { Filters: filters } : {}) })) out.push(...(page.Sessions ?? []));
      return out;
    },
  };
}
