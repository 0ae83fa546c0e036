import { AppError, isAppError } from '../errors';
import type { SessionService } from '../aws/sessions';
import type { SessionTarget } from '../aws/target';
import { DataChannel, PortSession, type GenerateDataKeyFn, type RetryPolicy } from '../ssm/index';

/**
 * Starts one port-forwarding session (StartSession + data channel + handshake) for a tunnel.
 * The tunnel decides how many of these it needs; this module only knows how to make one.
 */

/** Where the agent connects: a port on the instance itself, or a host reachable through it (e.g. RDS). */
export interface PortDestination {
  port: number;
  /** Omitted: the instance's own localhost (AWS-StartPortForwardingSession). */
  remoteHost?: string;
}

export const PORT_DOCUMENT = 'AWS-StartPortForwardingSession';
export const REMOTE_HOST_DOCUMENT = 'AWS-StartPortForwardingSessionToRemoteHost';

export function portForwardingRequest(dest: PortDestination): { documentName: string; parameters: Record<string, string[]> } {
  // localPortNumber is the plugin's business (§9.1); we own the listener, so 0 tells the service nothing binding.
  const parameters: Record<string, string[]> = { portNumber: [String(dest.port)], localPortNumber: ['0'] };
  if (!dest.remoteHost) return { documentName: PORT_DOCUMENT, parameters };
  return { documentName: REMOTE_HOST_DOCUMENT, parameters: { ...parameters, host: [dest.remoteHost] } };
}

export interface PortSessionOpenerDeps {
  sessions: SessionService;
  /** ws:// and non-AWS stream hosts (the emulator). */
  allowInsecure: boolean;
  /** KMS data keys for sessions the account encrypts; omitted: encrypted sessions fail with a clear error. */
  generateDataKey?: (target: SessionTarget) => GenerateDataKeyFn;
  retry?: Partial<RetryPolicy>;
  pingIntervalMs?: number;
  /** Bytes per input message; default 1 KiB as the official plugin sends (benches measure what that costs). */
  maxPayloadSize?: number;
}

export interface OpenedPortSession {
  port: PortSession;
  sessionId: string;
  /** TerminateSession through the API (the Flag alone is not enough for old agents). */
  terminate(): Promise<void>;
}

export type PortSessionOpener = () => Promise<OpenedPortSession>;

export function createPortSessionOpener(deps: PortSessionOpenerDeps, target: SessionTarget, dest: PortDestination): PortSessionOpener {
  const request = portForwardingRequest(dest);
  return async () => {
    const started = await deps.sessions.start(target, request);
    const channel = new DataChannel({
      credentials: { SessionId: started.sessionId, TokenValue: started.tokenValue, StreamUrl: started.streamUrl },
      targetId: target.instanceId,
      allowInsecure: deps.allowInsecure,
      ...(deps.generateDataKey ? { generateDataKey: deps.generateDataKey(target) } : {}),
      ...(deps.retry ? { retry: deps.retry } : {}),
      ...(deps.pingIntervalMs ? { pingIntervalMs: deps.pingIntervalMs } : {}),
      ...(deps.maxPayloadSize ? { maxPayloadSize: deps.maxPayloadSize } : {}),
      resume: async (sessionId) => {
        try {
          const r = await deps.sessions.resume(target, sessionId);
          return { TokenValue: r.tokenValue, ...(r.streamUrl ? { StreamUrl: r.streamUrl } : {}) };
        } catch (err) {
          // A refused resume (e.g. the 60-minute recycle's 403) means "start a new session".
          if (isAppError(err) && err.code === 'session-gone') return null;
          throw err;
        }
      },
    });
    const port = new PortSession(channel);
    const terminate = async () => {
      await port.terminate().catch(() => undefined);
      await deps.sessions.terminate(target, started.sessionId).catch(() => undefined);
    };
    try {
      await port.start();
    } catch (err) {
      await terminate();
      throw new AppError('tunnel-session-failed', `The port session on ${target.instanceId} did not start: ${err instanceof Error ? err.message : String(err)}`, 'Check that the instance is online and that your role may use the port-forwarding documents.', { cause: err });
    }
    if (port.mode === 'stdio') {
      await terminate();
      throw new AppError('tunnel-session-failed', `The agent on ${target.instanceId} answered with a stdio session, not local port forwarding.`, 'The session document must set type LocalPortForwarding; use AWS-StartPortForwardingSession.');
    }
    return { port, sessionId: started.sessionId, terminate };
  };
}
