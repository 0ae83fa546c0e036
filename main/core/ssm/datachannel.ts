/**
 * The client data channel: WebSocket to StreamUrl, OpenDataChannel text frame, the reliability
 * engine (client profile), the handshake and KMS encryption, WebSocket pings, and reconnect with
 * ResumeSession through an injected callback. No AWS SDK SSM calls here (see core/aws/sessions).
 *
 * How to use:
 *   const channel = new DataChannel({ credentials: { SessionId, TokenValue, StreamUrl }, targetId,
 *     resume: (id) => sessions.resume(id) });       // return null when the service refuses
 *   channel.setReceiver(({ payloadType, payload }) => 'ok');   // or 'not-ready' to withhold
 *   channel.on('handshake', (info) => ...);          // session type, properties, agent version
 *   channel.on('closed', ({ reason }) => ...);
 *   await channel.open();
 *   channel.send(PayloadType.Output, bytes);         // false => wait for 'drain'
 * Shell and port sessions wrap this; they take a factory so tests and the CLI can swap it.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { type ClientOptions, type RawData } from 'ws';
import { MessageType, PayloadType } from './constants';
import { buildOpenDataChannel, parseChannelClosed } from './payloads';
import { ReliabilityEngine, type Delivery, type ReliabilityProfile, type ReliabilityStats, type ResumePoint } from './reliability';
import { ClientHandshake, type SessionInfo } from './handshake';
import type { GenerateDataKeyFn } from './encryption';
import type { SsmMessage } from './message';
import { TickCork } from './tick-cork';

/** Reported to the agent; 4 parts and above 1.2.331.0 so it selects mux and keepalive-off (§9.5). */
export const CLIENT_VERSION = '1.2.707.0';
/** Official ends send ≤ 1 KiB; the service limit is unknown (§14), so this is the safe default. */
export const DEFAULT_MAX_PAYLOAD = 1024;

export interface SessionCredentials {
  SessionId: string;
  TokenValue: string;
  StreamUrl: string;
}

/** ResumeSession result; return null (or throw an error named DoesNotExistException) when refused. */
export type ResumeFn = (sessionId: string) => Promise<{ TokenValue: string; StreamUrl?: string } | null>;

export interface RetryPolicy {
  /** Reconnect attempts after a socket loss before giving up. */
  maxAttempts: number;
  /** First delay is uniformly random in [initialDelayMs, 2*initialDelayMs). */
  initialDelayMs: number;
  maxDelayMs: number;
}
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, initialDelayMs: 100, maxDelayMs: 5000 };

export interface DataChannelOptions {
  credentials: SessionCredentials;
  /** StartSession Target, for the KMS encryption context. */
  targetId?: string;
  clientVersion?: string;
  clientId?: string;
  resume?: ResumeFn;
  generateDataKey?: GenerateDataKeyFn;
  maxPayloadSize?: number;
  retry?: Partial<RetryPolicy>;
  /** WebSocket ping period; the socket is declared dead after two periods without a pong. */
  pingIntervalMs?: number;
  /** Accept ws:// and non-AWS hosts (emulator, tests). */
  allowInsecure?: boolean;
  wsOptions?: ClientOptions;
  reliability?: Partial<ReliabilityProfile>;
  /** A session a previous run left (ResumeSession credentials): continue its sequence numbers. */
  resumeAt?: ResumePoint;
}

export type ChannelState = 'connecting' | 'open' | 'reconnecting' | 'closed';
export type CloseReason = 'channel-closed' | 'resume-refused' | 'connection-lost' | 'local' | 'fatal';
export interface ClosedEvent {
  reason: CloseReason;
  /** channel_closed Output, or the error text. */
  message: string;
}
export interface StateEvent {
  state: ChannelState;
  attempt?: number;
  delayMs?: number;
  error?: string;
}
export interface DataChannelStats extends ReliabilityStats {
  state: ChannelState;
  reconnects: number;
  encrypted: boolean;
}
export interface IncomingPayload {
  payloadType: number;
  payload: Uint8Array;
  sequenceNumber: number;
}
export type Receiver = (p: IncomingPayload) => Delivery;

type Events = {
  state: [StateEvent];
  handshake: [SessionInfo & { customerMessage: string }];
  closed: [ClosedEvent];
  drain: [];
  dropped: [Error];
};

const AWS_STREAM_HOST = /^ssmmessages\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$|^ssmmessages\.[a-z0-9-]+\.api\.aws$/;

function checkStreamUrl(url: string, allowInsecure: boolean): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`StreamUrl "${url}" is not a URL; pass the StreamUrl from StartSession unchanged`);
  }
  if (allowInsecure) {
    if (u.protocol !== 'wss:' && u.protocol !== 'ws:') throw new Error(`StreamUrl must be ws:// or wss://, got ${u.protocol}`);
    return;
  }
  if (u.protocol !== 'wss:' || !AWS_STREAM_HOST.test(u.hostname)) {
    throw new Error(`StreamUrl host ${u.host} is not an AWS ssmmessages endpoint; refusing to send the session token there`);
  }
}

function isRefusal(e: unknown): boolean {
  return e instanceof Error && (e.name === 'DoesNotExistException' || e.name === 'InvalidSessionId');
}

function rawToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export class DataChannel extends EventEmitter<Events> {
  readonly sessionId: string;
  private tokenValue: string;
  private streamUrl: string;
  private readonly clientId: string;
  private readonly clientVersion: string;
  private readonly retry: RetryPolicy;
  private readonly maxPayload: number;
  private readonly engine: ReliabilityEngine;
  private readonly handshake: ClientHandshake;
  private ws: WebSocket | undefined;
  /** The current socket's TCP (or TLS) stream, for coalescing writes. */
  private socket: Duplex | undefined;
  private readonly writes = new TickCork();
  private state: ChannelState = 'connecting';
  private receiver: Receiver | undefined;
  private encrypted = false;
  private resendTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private lastPong = 0;
  private readingPaused = false;
  private reconnects = 0;
  private info: SessionInfo | undefined;
  /** Epoch ms this channel (so, near enough, its session) was created. */
  readonly createdAt = Date.now();
  private sentAt = this.createdAt;

  constructor(private readonly options: DataChannelOptions) {
    super();
    checkStreamUrl(options.credentials.StreamUrl, options.allowInsecure ?? false);
    this.sessionId = options.credentials.SessionId;
    this.tokenValue = options.credentials.TokenValue;
    this.streamUrl = options.credentials.StreamUrl;
    this.clientId = options.clientId ?? randomUUID();
    this.clientVersion = options.clientVersion ?? CLIENT_VERSION;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.maxPayload = options.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD;
    if (!Number.isInteger(this.maxPayload) || this.maxPayload < 1) throw new RangeError('maxPayloadSize must be a positive integer');
    this.handshake = new ClientHandshake({
      clientVersion: this.clientVersion,
      sessionId: this.sessionId,
      targetId: options.targetId,
      generateDataKey: options.generateDataKey,
    });
    this.engine = new ReliabilityEngine({
      role: 'client',
      profile: options.reliability,
      ...(options.resumeAt ? { resumeAt: options.resumeAt } : {}),
      hooks: {
        transmit: (frame) => this.transmit(frame),
        deliver: (msg) => this.deliver(msg),
        control: (msg) => this.control(msg),
        drain: () => this.emit('drain'),
        fatal: (err) => this.finish('fatal', err.message),
        dropped: (err) => this.emit('dropped', err),
      },
    });
  }

  /** Session type etc., once the handshake (if any) is done. */
  get sessionInfo(): SessionInfo | undefined {
    return this.info;
  }
  get currentState(): ChannelState {
    return this.state;
  }

  /** Plug in the session: receives in-order payloads (decrypted). Until set, data is withheld. */
  setReceiver(receiver: Receiver): void {
    this.receiver = receiver;
    this.engine.retryPending();
  }
  /** Call when a receiver that said 'not-ready' becomes ready. */
  receiverReady(): void {
    this.engine.retryPending();
  }

  /**
   * Stops (or resumes) reading the socket while the receiver cannot keep up. TCP then pushes back
   * through the service to the agent, whose socket writes block and whose reads stop: the flow
   * control a real agent obeys. Refusing messages instead leaves them to the agent's resend
   * loop, one message per 100 ms tick.
   */
  setReadingPaused(paused: boolean): void {
    if (paused === this.readingPaused) return;
    this.readingPaused = paused;
    if (!paused) this.lastPong = Date.now(); // no pongs were read while paused
    if (paused) this.ws?.pause();
    else this.ws?.resume();
  }

  /** Connect (retrying a failed first dial with the same token). Resolves once the socket is open. */
  async open(): Promise<void> {
    let lastError: unknown;
    for (let attempt = 0; attempt < this.retry.maxAttempts; attempt++) {
      if (this.state === 'closed') throw new Error('data channel closed while connecting');
      if (attempt > 0) await this.backoff(attempt);
      try {
        await this.dial();
        this.setState({ state: 'open' });
        return;
      } catch (e) {
        lastError = e;
      }
    }
    const msg = `could not open the data channel to ${new URL(this.streamUrl).host}: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
    this.finish('connection-lost', msg);
    throw new Error(msg);
  }

  /**
   * Send one stream payload. Output (type 1) is split into maxPayloadSize chunks and encrypted
   * when the session is. Returns false when the window is full: wait for 'drain'.
   */
  send(payloadType: number, payload: Uint8Array): boolean {
    if (this.state === 'closed') throw new Error('data channel is closed; start a new session');
    if (payload.length === 0) return this.engine.canSend();
    if (payloadType !== PayloadType.Output) {
      this.engine.send(payloadType, payload);
    } else {
      for (let off = 0; off < payload.length; off += this.maxPayload) {
        const chunk = payload.subarray(off, Math.min(payload.length, off + this.maxPayload));
        this.engine.send(payloadType, this.encrypted && this.handshake.cipher ? this.handshake.cipher.encrypt(chunk) : chunk);
      }
    }
    this.armResend();
    return this.engine.canSend();
  }

  canSend(): boolean {
    return this.engine.canSend();
  }

  stats(): DataChannelStats {
    return { ...this.engine.stats(), state: this.state, reconnects: this.reconnects, encrypted: this.encrypted };
  }

  /** Where a later connection to this session would continue (see ReliabilityEngine.resumePoint). */
  resumePoint(): ResumePoint {
    return this.engine.resumePoint();
  }

  /** Payloads are KMS-encrypted: the session key lives only in this process. */
  get isEncrypted(): boolean {
    return this.encrypted;
  }

  /** True when everything we sent has been acknowledged. */
  get allAcknowledged(): boolean {
    return this.engine.allAcknowledged;
  }

  /**
   * Epoch ms of the last frame this client wrote to the service (keystrokes, acknowledgements,
   * keepalives): what Session Manager's idle timeout counts from.
   */
  get lastSentAt(): number {
    return this.sentAt;
  }

  /**
   * Client traffic that reaches no program on the instance (see ReliabilityEngine.keepalive), to
   * keep the service's idle timer from running out. False when the socket is not open or nothing
   * has been received yet.
   */
  keepalive(): boolean {
    if (this.state !== 'open') return false;
    return this.engine.keepalive();
  }

  /** Close locally (no TerminateSession: the caller decides that). */
  close(): void {
    this.finish('local', 'closed by the client');
  }

  // ---- internals ----

  /** A method, so TypeScript does not narrow the state across awaits. */
  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private setState(e: StateEvent): void {
    this.state = e.state;
    this.emit('state', e);
  }

  private backoff(attempt: number): Promise<void> {
    // [initial, 2*initial) * 2^(attempt-1), restarting the exponent when it passes the cap (§2.5)
    const cycle = Math.max(1, Math.floor(Math.log2(this.retry.maxDelayMs / Math.max(1, this.retry.initialDelayMs))));
    const delay = Math.min(this.retry.maxDelayMs, this.retry.initialDelayMs * (1 + Math.random()) * 2 ** ((attempt - 1) % cycle));
    this.setState({ state: this.state === 'connecting' ? 'connecting' : 'reconnecting', attempt, delayMs: Math.round(delay) });
    return new Promise((r) => setTimeout(r, delay).unref());
  }

  private dial(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.streamUrl, { perMessageDeflate: false, handshakeTimeout: 45_000, ...this.options.wsOptions });
      let opened = false;
      ws.binaryType = 'nodebuffer';
      let socket: Duplex | undefined;
      ws.once('upgrade', (res: IncomingMessage) => (socket = res.socket));
      ws.once('open', () => {
        opened = true;
        this.ws = ws;
        this.socket = socket;
        ws.send(buildOpenDataChannel({ requestId: randomUUID(), tokenValue: this.tokenValue, clientId: this.clientId, clientVersion: this.clientVersion }));
        this.lastPong = Date.now();
        if (this.readingPaused) ws.pause();
        this.startPing(ws);
        this.engine.setTransportUp(true);
        this.armResend();
        resolve();
      });
      ws.on('message', (data) => this.engine.receive(rawToBuffer(data)));
      ws.on('pong', () => (this.lastPong = Date.now()));
      ws.once('error', (err) => {
        if (!opened) reject(err);
      });
      ws.once('close', (code) => {
        if (!opened) {
          reject(new Error(`socket closed before opening (code ${code})`));
          return;
        }
        if (this.ws === ws) void this.onSocketLost(`socket closed (code ${code})`);
      });
    });
  }

  private startPing(ws: WebSocket): void {
    clearInterval(this.pingTimer);
    const period = this.options.pingIntervalMs ?? 30_000;
    ws.ping('keepalive');
    this.pingTimer = setInterval(() => {
      if (!this.readingPaused && Date.now() - this.lastPong > 2 * period) {
        ws.terminate(); // dead connection: 'close' follows and we reconnect
        return;
      }
      if (ws.readyState === WebSocket.OPEN) ws.ping('keepalive');
    }, period);
    this.pingTimer.unref();
  }

  private async onSocketLost(why: string): Promise<void> {
    if (this.state === 'closed') return;
    this.ws = undefined;
    clearInterval(this.pingTimer);
    this.engine.setTransportUp(false);
    this.setState({ state: 'reconnecting', error: why });
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt++) {
      await this.backoff(attempt);
      if (this.isClosed()) return;
      if (this.options.resume) {
        try {
          const r = await this.options.resume(this.sessionId);
          if (!r || !r.TokenValue) {
            this.finish('resume-refused', `Session ${this.sessionId} can no longer be resumed`);
            return;
          }
          this.tokenValue = r.TokenValue;
          // The plugin keeps the original StreamUrl; we take a new one only when given (§1.4).
          if (r.StreamUrl) {
            checkStreamUrl(r.StreamUrl, this.options.allowInsecure ?? false);
            this.streamUrl = r.StreamUrl;
          }
        } catch (e) {
          if (isRefusal(e)) {
            this.finish('resume-refused', `Session ${this.sessionId} can no longer be resumed: ${(e as Error).message}`);
            return;
          }
          this.setState({ state: 'reconnecting', attempt, error: e instanceof Error ? e.message : String(e) });
          continue;
        }
      }
      try {
        if (this.isClosed()) return;
        await this.dial();
        this.reconnects++;
        this.setState({ state: 'open', attempt });
        return;
      } catch (e) {
        this.setState({ state: 'reconnecting', attempt, error: e instanceof Error ? e.message : String(e) });
      }
    }
    this.finish('connection-lost', `lost the data channel and could not reconnect after ${this.retry.maxAttempts} attempts (${why})`);
  }

  private transmit(frame: Buffer): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    // Every incoming message is acknowledged, so a burst of output is answered by a burst of
    // small frames: held until the end of the tick, they leave in one write, not a syscall each.
    this.writes.hold(this.socket);
    ws.send(frame);
    this.sentAt = Date.now();
  }

  private armResend(): void {
    if (this.resendTimer || this.state === 'closed') return;
    const next = this.engine.nextTimeout();
    if (next === undefined) return;
    this.resendTimer = setTimeout(() => {
      this.resendTimer = undefined;
      this.engine.tick();
      this.armResend();
    }, Math.max(5, next));
    this.resendTimer.unref();
  }

  private deliver(msg: SsmMessage): Delivery {
    switch (msg.payloadType) {
      case PayloadType.HandshakeRequest:
        this.handshake
          .respond(msg.payload)
          .then((res) => {
            if (this.state !== 'closed') this.send(PayloadType.HandshakeResponse, res);
          })
          .catch((e: unknown) => this.finish('fatal', `handshake failed: ${e instanceof Error ? e.message : String(e)}`));
        return 'ok';
      case PayloadType.EncChallengeRequest:
        this.send(PayloadType.EncChallengeResponse, this.handshake.answerChallenge(msg.payload));
        return 'ok';
      case PayloadType.HandshakeComplete: {
        const customerMessage = this.handshake.complete(msg.payload);
        this.info = this.handshake.info ?? { agentVersion: '', sessionType: '', properties: null, encrypted: false };
        this.encrypted = this.info.encrypted;
        this.emit('handshake', { ...this.info, customerMessage });
        return 'ok';
      }
      default: {
        if (!this.receiver) return 'not-ready';
        const decrypt =
          this.encrypted &&
          this.handshake.cipher &&
          (msg.payloadType === PayloadType.Output || msg.payloadType === PayloadType.StdErr || msg.payloadType === PayloadType.ExitCode);
        const payload = decrypt && this.handshake.cipher ? this.handshake.cipher.decrypt(msg.payload) : msg.payload;
        const result = this.receiver({ payloadType: msg.payloadType, payload, sequenceNumber: msg.sequenceNumber });
        if (result === 'ok') this.armResend();
        return result;
      }
    }
  }

  private control(msg: SsmMessage): void {
    if (msg.messageType !== MessageType.ChannelClosed) return;
    let output = '';
    try {
      output = parseChannelClosed(msg.payload).Output;
    } catch {
      // A channel_closed we cannot parse still ends the session (§4.3).
    }
    this.finish('channel-closed', output);
  }

  private finish(reason: CloseReason, message: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.resendTimer);
    clearInterval(this.pingTimer);
    this.engine.close();
    const ws = this.ws;
    this.ws = undefined;
    if (ws) {
      ws.removeAllListeners('close');
      ws.on('error', () => undefined);
      ws.close();
    }
    this.emit('state', { state: 'closed', error: reason === 'local' ? undefined : message });
    this.emit('closed', { reason, message });
  }
}

/** Builds a data channel for given credentials; sessions take one so tests and the CLI can swap it. */
export type DataChannelFactory = (credentials: SessionCredentials) => DataChannel;
