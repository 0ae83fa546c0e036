import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Fixture } from '../fixture';
import { FakeAgent } from '../agent/agent';
import type { PluginEnd } from '../agent/plugin';
import type { Pace } from '../agent/output-pump';
import { MessageFlags, MessageType } from '../../main/core/ssm/constants';
import { decodeMessage, encodeMessage, type SsmMessage } from '../../main/core/ssm/message';
import { buildChannelClosed, parseAgentSessionState } from '../../main/core/ssm/payloads';
import { TickCork } from '../../main/core/ssm/tick-cork';
import type { SessionPlan } from './documents';
import { FaultyPipe, type FrameFaultCounters, type RandomSource } from './frame-faults';
import type { KmsDataKeys, SessionSummary, StartSessionRequest } from './hub';

/**
 * One session as the fake ssmmessages service sees it: the agent (in-process), at most one client
 * WebSocket at a time, and the relay between them with the fixture's data-channel faults.
 * Agent frames sent while no client is attached (before the first OpenDataChannel, or between a
 * drop and the reconnect) are held and delivered on attach, so the agent's first message is not
 * lost (§11.1); frames in flight on a socket that dies are lost and must be retransmitted.
 */

/** Frames held for an absent client; beyond this the service drops them (the agent resends). */
const MAX_PENDING_FRAMES = 100_000;
/** WebSocket close codes: 1000 normal, 1008 policy (bad token), 4000+ application. */
export const CLOSE_NORMAL = 1000;
export const CLOSE_POLICY = 1008;

export interface RelayCounters extends FrameFaultCounters {
  connections: number;
  framesToClient: number;
  framesToAgent: number;
  bytesToClient: number;
  bytesToAgent: number;
  /** Sockets the drop-after-bytes / drop-after-seconds / recycle faults killed. */
  dropsInjected: number;
  /** Stream messages whose sequence number had been relayed before in that direction. */
  resendsFromAgent: number;
  resendsFromClient: number;
  /** Agent frames dropped because the client was away and the hold queue was full. */
  pendingOverflow: number;
}

export interface SessionStats {
  sessionId: string;
  status: SessionSummary['Status'];
  clientAttached: boolean;
  /** The client stopped reading and its socket is full: the agent has stopped reading its sources. */
  clientBlocked: boolean;
  clientVersion: string | undefined;
  relay: RelayCounters;
  agent: ReturnType<FakeAgent['stats']>;
  idle: IdleStats;
}

interface Attachment {
  ws: WebSocket;
  /** The socket under ws, corked per tick so a burst of acks and frames leaves in one write. */
  socket: Duplex | undefined;
  cork: TickCork;
  toClient: FaultyPipe;
  toAgent: FaultyPipe;
  bytes: number;
  dropTimer: NodeJS.Timeout | undefined;
  dead: boolean;
  /** channel_closed has been sent; the socket closes once it is flushed. */
  finishing: boolean;
  /** More than SOCKET_HIGH_WATER bytes wait to be written: the client is not reading. */
  blocked: boolean;
}

/** Unwritten bytes on the client socket at which the agent stops reading its sources, and resumes. */
const SOCKET_HIGH_WATER = 1024 * 1024;
const SOCKET_LOW_WATER = 256 * 1024;

export interface ServiceSessionOptions {
  id: string;
  request: StartSessionRequest;
  plan: SessionPlan;
  kmsKeyId: string | undefined;
  pace: Pace;
  /** The agent's largest output message, when not the pace's. */
  readSize?: number | undefined;
  kms: KmsDataKeys;
  fixture: () => Fixture;
  random?: RandomSource;
  handshakeTimeoutMs?: number;
  /** The preferences' idle timeout and maximum duration, as the service enforces them. */
  timeouts?: { idleMs: number; maxMs?: number };
}

/** Why the service itself ended a session (not the agent, not TerminateSession). */
export type ServiceEnd = 'idle-timeout' | 'max-duration';

export interface IdleStats {
  /** Epoch ms at which the idle timeout ends the session, unless the client sends something first. */
  deadline: number | undefined;
  /** Client frames that restarted the idle timer. */
  resets: number;
  endedBy: ServiceEnd | undefined;
}

export class ServiceSession {
  readonly id: string;
  readonly request: StartSessionRequest;
  readonly startDate = new Date();
  endDate: Date | undefined;
  status: SessionSummary['Status'] = 'Connecting';
  /** Set once the recycle fault fired: ResumeSession is refused from then on. */
  recycled = false;
  private terminatedByApi = false;
  private readonly agent: FakeAgent;
  private client: Attachment | undefined;
  private pending: Buffer[] = [];
  private agentClosed: PluginEnd | undefined;
  private clientVersion: string | undefined;
  private recycleTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private maxTimer: NodeJS.Timeout | undefined;
  private readonly idle: IdleStats = { deadline: undefined, resets: 0, endedBy: undefined };
  private maxSeqFromAgent = -1;
  private maxSeqFromClient = -1;
  readonly counters: RelayCounters = {
    connections: 0,
    framesToClient: 0,
    framesToAgent: 0,
    bytesToClient: 0,
    bytesToAgent: 0,
    dropsInjected: 0,
    resendsFromAgent: 0,
    resendsFromClient: 0,
    pendingOverflow: 0,
    reordered: 0,
    duplicated: 0,
    delayed: 0,
  };

  constructor(private readonly options: ServiceSessionOptions) {
    this.id = options.id;
    this.request = options.request;
    this.agent = new FakeAgent({
      sessionId: options.id,
      instance: options.request.instance,
      plan: options.plan,
      kmsKeyId: options.kmsKeyId,
      pace: options.pace,
      readSize: options.readSize,
      kms: options.kms,
      toService: (frame) => this.fromAgent(frame),
      socketBlocked: () => this.client?.blocked === true,
      onClose: (end) => this.onAgentClosed(end),
      handshakeTimeoutMs: options.handshakeTimeoutMs,
    });
  }

  get isOver(): boolean {
    return this.status === 'Terminated' || this.status === 'Failed';
  }

  start(): void {
    this.armRecycle();
    this.armTimeouts();
    this.agent.start();
  }

  /** A client WebSocket presented a valid token for this session. */
  attach(ws: WebSocket, clientVersion: string | undefined, socket?: Duplex): void {
    if (this.client) this.detach(this.client, CLOSE_NORMAL, 'replaced by a newer connection for this session');
    this.counters.connections++;
    this.clientVersion = clientVersion ?? this.clientVersion;
    const faults = (): Fixture['faults'] => this.options.fixture().faults;
    const att: Attachment = {
      ws,
      socket,
      cork: new TickCork(),
      bytes: 0,
      dropTimer: undefined,
      dead: false,
      finishing: false,
      blocked: false,
      toClient: new FaultyPipe(faults, (f) => this.writeToClient(att, f), this.options.random),
      toAgent: new FaultyPipe(faults, (f) => this.writeToAgent(f), this.options.random),
    };
    this.client = att;
    if (this.status === 'Connecting' || this.status === 'Disconnected') this.status = 'Connected';
    const dropAfter = faults().dropSocketAfterSeconds;
    if (dropAfter !== undefined) {
      att.dropTimer = setTimeout(() => this.injectDrop(att), dropAfter * 1000);
      att.dropTimer.unref();
    }
    this.armRecycle();
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      if (att.dead) return;
      const frame = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      if (!this.countBytes(att, frame.length)) return;
      this.clientActive();
      this.noteResend(frame, 'client');
      att.toAgent.push(frame);
    });
    ws.on('close', () => this.detach(att));
    ws.on('error', () => this.detach(att));
    const held = this.pending;
    this.pending = [];
    for (const frame of held) att.toClient.push(frame);
    if (this.agentClosed) this.finishClient(att, this.agentClosed);
  }

  terminate(reason = ''): void {
    if (this.isOver) return;
    this.terminatedByApi = true;
    this.status = 'Terminating';
    if (this.client) this.finishClient(this.client, { ok: true, reason });
    // The service tells the agent too; the agent cancels its plugin (§1.5, §11.5).
    this.agent.fromService(this.channelClosedFrame(''));
  }

  /** Session Manager's own cut-offs: the idle timer (restarted by client traffic) and the maximum duration. */
  private armTimeouts(): void {
    const t = this.options.timeouts;
    if (!t) return;
    this.restartIdle();
    if (t.maxMs !== undefined) {
      this.maxTimer = setTimeout(() => this.endByService('max-duration'), t.maxMs);
      this.maxTimer.unref();
    }
  }

  private restartIdle(): void {
    const idleMs = this.options.timeouts?.idleMs;
    if (idleMs === undefined || this.isOver) return;
    clearTimeout(this.idleTimer);
    this.idle.deadline = Date.now() + idleMs;
    this.idleTimer = setTimeout(() => this.endByService('idle-timeout'), idleMs);
    this.idleTimer.unref();
  }

  /** Any frame from the client counts as activity (see the note in sessions/index.ts). */
  private clientActive(): void {
    if (!this.options.timeouts) return;
    this.idle.resets++;
    this.restartIdle();
  }

  private endByService(why: ServiceEnd): void {
    if (this.isOver || this.status === 'Terminating') return;
    this.idle.endedBy = why;
    this.terminate();
  }

  private clearTimeouts(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.maxTimer);
    this.idle.deadline = undefined;
  }

  /** The compressed 60-minute recycle: the socket is closed "normally" and the session is gone. */
  private recycle(): void {
    if (this.isOver) return;
    this.recycled = true;
    if (this.client) {
      this.counters.dropsInjected++;
      this.detach(this.client, CLOSE_NORMAL, 'Bye');
    }
    this.agent.cancel('the service recycled the data channel');
  }

  private armRecycle(): void {
    const after = this.options.fixture().faults.recycleAfterSeconds;
    clearTimeout(this.recycleTimer);
    if (after === undefined || this.isOver) return;
    const remaining = this.startDate.getTime() + after * 1000 - Date.now();
    this.recycleTimer = setTimeout(() => this.recycle(), Math.max(0, remaining));
    this.recycleTimer.unref();
  }

  /** Whether a client presenting a valid token may (re)attach: held output is still deliverable. */
  get acceptsClients(): boolean {
    if (this.recycled || this.terminatedByApi) return false;
    return !this.isOver || this.pending.length > 0;
  }

  stats(): SessionStats {
    const relay = { ...this.counters };
    if (this.client) {
      for (const pipe of [this.client.toClient, this.client.toAgent]) {
        relay.reordered += pipe.counters.reordered;
        relay.duplicated += pipe.counters.duplicated;
        relay.delayed += pipe.counters.delayed;
      }
    }
    return {
      sessionId: this.id,
      status: this.status,
      clientAttached: this.client !== undefined,
      clientBlocked: this.client?.blocked ?? false,
      clientVersion: this.clientVersion,
      relay,
      agent: this.agent.stats(),
      idle: { ...this.idle },
    };
  }

  summary(): SessionSummary {
    const s: SessionSummary = {
      SessionId: this.id,
      Target: this.request.instance.id,
      Status: this.status,
      StartDate: this.startDate,
      DocumentName: this.request.documentName,
      Owner: this.request.owner,
    };
    if (this.endDate) s.EndDate = this.endDate;
    if (this.request.reason !== undefined) s.Reason = this.request.reason;
    return s;
  }

  /** Stops everything at once (emulator shutdown). */
  dispose(): void {
    clearTimeout(this.recycleTimer);
    this.clearTimeouts();
    if (this.client) this.detach(this.client, CLOSE_NORMAL, 'emulator shutting down');
    this.agent.cancel('emulator shutting down');
  }

  // ---- relay ----

  private fromAgent(frame: Buffer): void {
    // Decoded once per frame: the relay sees one per 1 KiB of upload (its ack) and per download message.
    let msg: SsmMessage;
    try {
      msg = decodeMessage(frame);
    } catch {
      return;
    }
    if (msg.messageType === MessageType.AgentSessionState) {
      // Addressed to the service (§4.4): consumed here, not forwarded.
      try {
        if (parseAgentSessionState(msg.payload).SessionState === 'Terminating' && !this.isOver) this.status = 'Terminating';
      } catch {
        // malformed state from our own agent would be a bug; ignore like the service would
      }
      return;
    }
    this.noteResend(msg, 'agent');
    if (this.client && !this.client.dead) {
      this.client.toClient.push(frame);
    } else if (this.pending.length < MAX_PENDING_FRAMES) {
      this.pending.push(frame);
    } else {
      this.counters.pendingOverflow++;
    }
  }

  private writeToClient(att: Attachment, frame: Buffer): void {
    if (att.dead) return;
    if (!this.countBytes(att, frame.length)) return;
    this.counters.framesToClient++;
    this.counters.bytesToClient += frame.length;
    att.cork.hold(att.socket);
    att.ws.send(frame, { binary: true }, () => {
      if (!att.blocked || att.ws.bufferedAmount > SOCKET_LOW_WATER) return;
      att.blocked = false;
      this.agent.socketWritable();
    });
    if (att.ws.bufferedAmount > SOCKET_HIGH_WATER) att.blocked = true;
  }

  private writeToAgent(frame: Buffer): void {
    this.counters.framesToAgent++;
    this.counters.bytesToAgent += frame.length;
    this.agent.fromService(frame);
  }

  /** Drop-after-bytes fault: the frame that crosses the limit dies with the socket. */
  private countBytes(att: Attachment, n: number): boolean {
    att.bytes += n;
    const limit = this.options.fixture().faults.dropSocketAfterBytes;
    if (limit !== undefined && att.bytes > limit) {
      this.injectDrop(att);
      return false;
    }
    return true;
  }

  private injectDrop(att: Attachment): void {
    if (att.dead) return;
    this.counters.dropsInjected++;
    this.detach(att, undefined);
  }

  private noteResend(frameOrMessage: Buffer | SsmMessage, from: 'agent' | 'client'): void {
    let seq: number;
    let type: string;
    try {
      const m = Buffer.isBuffer(frameOrMessage) ? decodeMessage(frameOrMessage) : frameOrMessage;
      seq = m.sequenceNumber;
      type = m.messageType;
    } catch {
      return;
    }
    if (from === 'agent' && type === MessageType.OutputStreamData) {
      if (seq <= this.maxSeqFromAgent) this.counters.resendsFromAgent++;
      else this.maxSeqFromAgent = seq;
    } else if (from === 'client' && type === MessageType.InputStreamData) {
      if (seq <= this.maxSeqFromClient) this.counters.resendsFromClient++;
      else this.maxSeqFromClient = seq;
    }
  }

  /**
   * Ends a client connection. With a code the socket is closed cleanly; without one it is cut
   * (the client sees 1006), as a network drop would.
   */
  private detach(att: Attachment, code?: number, reason = ''): void {
    if (att.dead) return;
    att.dead = true;
    clearTimeout(att.dropTimer);
    att.toClient.close();
    att.toAgent.close();
    if (this.client === att) this.client = undefined;
    // A client that went away without the session ending leaves it Disconnected (still Active,
    // resumable), as DescribeSessions shows a dropped plugin connection.
    if (this.status === 'Connected' && !att.finishing && !this.client) this.status = 'Disconnected';
    if (att.blocked) {
      att.blocked = false;
      this.agent.socketWritable();
    }
    this.sumPipeCounters(att);
    if (code === undefined) att.ws.terminate();
    else if (att.ws.readyState === att.ws.OPEN || att.ws.readyState === att.ws.CONNECTING) att.ws.close(code, reason);
  }

  private sumPipeCounters(att: Attachment): void {
    for (const pipe of [att.toClient, att.toAgent]) {
      this.counters.reordered += pipe.counters.reordered;
      this.counters.duplicated += pipe.counters.duplicated;
      this.counters.delayed += pipe.counters.delayed;
    }
  }

  private channelClosedFrame(output: string): Buffer {
    const payload = buildChannelClosed({
      MessageId: randomUUID(),
      CreatedDate: String(Date.now()),
      DestinationId: this.request.instance.id,
      SessionId: this.id,
      MessageType: MessageType.ChannelClosed,
      SchemaVersion: 1,
      Output: output,
    });
    return encodeMessage({ messageType: MessageType.ChannelClosed, flags: MessageFlags.SynFin, payload });
  }

  /** channel_closed to the client (bypassing frame faults: it is the service's own message), then close. */
  private finishClient(att: Attachment, end: PluginEnd): void {
    if (att.dead || att.finishing) return;
    att.finishing = true;
    const output = end.ok ? '' : `Session failed: ${end.reason ?? 'unknown error'}`;
    att.ws.send(this.channelClosedFrame(output), { binary: true }, () => this.detach(att, CLOSE_NORMAL, 'session closed'));
  }

  private onAgentClosed(end: PluginEnd): void {
    this.agentClosed = end;
    clearTimeout(this.recycleTimer);
    this.clearTimeouts();
    this.status = end.ok ? 'Terminated' : 'Failed';
    this.endDate = new Date();
    if (this.client) this.finishClient(this.client, end);
  }
}
