import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { EmulatorApiError } from '../errors';
import { customDocumentFor, sessionPreferencesFor } from '../documents';
import type { Fixture, FixtureInstance } from '../fixture';
import { parseOpenDataChannel } from '../../main/core/ssm/payloads';
import { planSession } from './documents';
import type { RandomSource } from './frame-faults';
import type { CreateSessionHub, SessionCredentials, SessionHub, SessionHubOptions, SessionSummary, StartSessionRequest } from './hub';
import { SeededSessions } from './seeded';
import { CLOSE_POLICY, ServiceSession, type SessionStats } from './service-session';
import { TokenStore } from './tokens';

/**
 * The Session Manager half of the emulator: sessions, the ssmmessages data-channel WebSocket
 * service at /v1/data-channel/<SessionId>, and a fake SSM agent per session (emulator/agent).
 *
 * Where it knowingly differs from AWS (the service side is not public, spec §14):
 * - a bad/expired token or a non-text first frame closes the socket with 1008 and a reason;
 * - agent frames are held while no client is attached (first connect and between reconnects),
 *   frames in flight on a dropped socket are lost (the agent retransmits them);
 * - no pause_publication/start_publication is sent to either side;
 * - the recycle fault closes the client socket with 1000 "Bye" and ends the session; ResumeSession
 *   then answers AccessDeniedException (HTTP 403), as users report after the ~60-minute recycle;
 * - channel_closed carries `Output: "Session failed: <reason>"` when the agent failed the session;
 * - the idle-session timeout counts from the last frame the client sent (any frame: input,
 *   acknowledgements, a resent ack); AWS documents "no user activity" and keeps the rest private.
 *   Both timeouts end the session as TerminateSession does (channel_closed, status Terminated).
 */

const PATH_RE = /^\/v1\/data-channel\/([A-Za-z0-9_.@=,+-]{1,96})$/;
/** How long the service waits for the OpenDataChannel text frame before hanging up. */
const OPEN_FRAME_TIMEOUT_MS = 30_000;

export interface EmulatorSessionHub extends SessionHub {
  /** Counters for tests and benchmarks (relay, injected faults, the agent's reliability engine). */
  stats(sessionId: string): SessionStats | undefined;
  /** All session ids, newest last. */
  sessionIds(): string[];
}

export interface EmulatorSessionHubOptions extends SessionHubOptions {
  /** Seeded randomness for the frame faults (tests); Math.random otherwise. */
  random?: RandomSource;
  /** The agent's wait for the HandshakeResponse / challenge answer; 15 s like the real agent. */
  handshakeTimeoutMs?: number;
}

function assertReachable(fixture: Fixture, instance: FixtureInstance): void {
  const offline = fixture.faults.offlineInstances.includes(instance.id) || instance.pingStatus !== 'Online' || instance.state !== 'running';
  if (offline) throw new EmulatorApiError('TargetNotConnected', `${instance.id} is not connected.`);
}

/** "arn:aws:sts::1:assumed-role/Admin/alice@example.com" → "alice@example.com-0f3c…" (≤ 96 chars). */
function newSessionId(owner: string): string {
  const who = (owner.split('/').pop() ?? 'session').replace(/[^A-Za-z0-9_.@=,+-]/g, '-').slice(0, 64) || 'session';
  return `${who}-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

/** Terminated and Failed sessions are History; every other status is Active (DescribeSessions' State). */
function isHistory(status: SessionSummary['Status']): boolean {
  return status === 'Terminated' || status === 'Failed';
}

function rawToText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

export function createEmulatorSessionHub(options: EmulatorSessionHubOptions): EmulatorSessionHub {
  const sessions = new Map<string, ServiceSession>();
  const tokens = new TokenStore();
  const seeded = new SeededSessions(options.fixture);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });

  function credentials(session: ServiceSession): SessionCredentials {
    const ws = options.baseUrl().replace(/^http/, 'ws').replace(/\/$/, '');
    const cell = randomBytes(24).toString('base64url');
    return {
      SessionId: session.id,
      TokenValue: tokens.issue(session.id),
      StreamUrl: `${ws}/v1/data-channel/${session.id}?role=publish_subscribe&cell-number=${cell}`,
    };
  }

  function owned(sessionId: string, account: string, region: string): ServiceSession | undefined {
    const s = sessions.get(sessionId);
    return s && s.request.account === account && s.request.region === region ? s : undefined;
  }

  /** First frame must be the OpenDataChannel TEXT frame with a valid token (§2.2, §11.6). */
  function onConnection(ws: WebSocket, sessionId: string, socket: Duplex): void {
    const timer = setTimeout(() => ws.close(CLOSE_POLICY, 'no OpenDataChannel frame received'), OPEN_FRAME_TIMEOUT_MS);
    timer.unref();
    ws.once('message', (data: RawData, isBinary: boolean) => {
      clearTimeout(timer);
      const reject = (reason: string): void => ws.close(CLOSE_POLICY, reason.slice(0, 120));
      if (isBinary) return reject('the first frame must be the OpenDataChannel JSON text frame');
      let open;
      try {
        open = parseOpenDataChannel(rawToText(data));
      } catch (err) {
        return reject(`invalid OpenDataChannel frame: ${(err as Error).message}`);
      }
      const check = tokens.check(open.TokenValue, sessionId);
      if (!check.ok) return reject(check.reason);
      const session = sessions.get(sessionId);
      if (!session || !session.acceptsClients) return reject(`session ${sessionId} is terminated`);
      session.attach(ws, open.ClientVersion, socket);
    });
  }

  const hub: EmulatorSessionHub = {
    start(req: StartSessionRequest): SessionCredentials {
      const fixture = options.fixture();
      assertReachable(fixture, req.instance);
      const own = customDocumentFor(fixture, req.documentName, req.account, req.region);
      const plan = planSession(req.documentName, req.parameters, own ? { document: own, platform: req.instance.platform } : undefined);
      const prefs = sessionPreferencesFor(fixture, req.account, req.region);
      const id = newSessionId(req.owner);
      const session = new ServiceSession({
        id,
        request: req,
        plan,
        kmsKeyId: prefs.kmsKeyId || undefined,
        timeouts: {
          idleMs: (fixture.faults.idleSessionTimeoutSeconds ?? prefs.idleSessionTimeout * 60) * 1000,
          ...(fixture.faults.maxSessionDurationSeconds !== undefined || prefs.maxSessionDuration !== undefined
            ? { maxMs: (fixture.faults.maxSessionDurationSeconds ?? prefs.maxSessionDuration! * 60) * 1000 }
            : {}),
        },
        pace: options.pace,
        readSize: fixture.faults.agentReadBytes,
        kms: options.kms,
        fixture: options.fixture,
        random: options.random,
        handshakeTimeoutMs: options.handshakeTimeoutMs,
      });
      sessions.set(id, session);
      session.start();
      return credentials(session);
    },

    resume(sessionId: string, account: string, region: string): SessionCredentials {
      const session = owned(sessionId, account, region);
      if (session?.recycled) {
        // What users report after the ~60-minute recycle: ResumeSession answered with HTTP 403.
        throw new EmulatorApiError('AccessDeniedException', `ResumeSession refused for ${sessionId}: the service recycled the data channel and the session cannot be resumed. Start a new session.`, 403);
      }
      if (!session || session.isOver) throw new EmulatorApiError('DoesNotExistException', `Session ${sessionId} does not exist or is no longer active. Start a new session.`);
      return credentials(session);
    },

    terminate(sessionId: string, account: string, region: string): void {
      // Terminating an unknown or finished session is not an error in SSM (the API reference lists
      // no DoesNotExistException for it): it answers with the id and changes nothing.
      const session = owned(sessionId, account, region);
      if (!session) {
        seeded.terminate(sessionId, account, region);
        return;
      }
      session.terminate();
      tokens.revokeSession(sessionId);
    },

    describe(account: string, region: string, state: 'Active' | 'History'): SessionSummary[] {
      const live: SessionSummary[] = [];
      for (const s of sessions.values()) if (s.request.account === account && s.request.region === region) live.push(s.summary());
      const history = state === 'History';
      return [...seeded.describe(account, region), ...live]
        .filter((s) => isHistory(s.Status) === history)
        .sort((a, b) => b.StartDate.getTime() - a.StartDate.getTime());
    },

    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      const url = new URL(req.url ?? '/', 'http://emulator');
      const m = PATH_RE.exec(url.pathname);
      if (!url.pathname.startsWith('/v1/data-channel/')) return false;
      const sessionId = m?.[1];
      if (!sessionId || !sessions.has(sessionId)) {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nNo such data channel: start a session with StartSession first.\n');
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, sessionId, socket));
      return true;
    },

    async close(): Promise<void> {
      for (const s of sessions.values()) s.dispose();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },

    stats(sessionId: string): SessionStats | undefined {
      return sessions.get(sessionId)?.stats();
    },

    sessionIds(): string[] {
      return [...sessions.keys()];
    },
  };
  return hub;
}

export const createSessionHub: CreateSessionHub = createEmulatorSessionHub;
export type { SessionStats } from './service-session';
