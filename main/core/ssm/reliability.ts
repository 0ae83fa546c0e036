/**
 * The data-channel reliability layer (spec §5) as a transport-free, clock-injectable state machine:
 * sequence numbers, acknowledgements, out-of-order buffering, the outgoing buffer, RTT/RTO and
 * retransmission. It never touches a socket or a timer itself.
 *
 * How to use:
 *   const engine = new ReliabilityEngine({ role: 'client', hooks: {
 *     transmit: (frame) => ws.send(frame),          // called only while setTransportUp(true)
 *     deliver: (msg) => handle(msg) ? 'ok' : 'not-ready',  // in-order stream messages
 *     control: (msg) => ...,                         // channel_closed, publication, other types
 *   }});
 *   engine.setTransportUp(true);
 *   engine.send(PayloadType.Output, bytes);          // returns the sequence number
 *   ws.on('message', (f) => engine.receive(f));
 *   // timers: call engine.tick() when engine.nextTimeout() ms have passed (or every 100 ms).
 *
 * Role profiles: `client` is our improved policy (re-ack duplicates, Karn RTT samples, per-entry
 * RTO with back-off instead of the plugin's resend-every-tick, all overdue entries resent, bounded
 * in-flight window, no silent eviction, honours pause_publication by shrinking the window to 1).
 * `agent` reproduces the real SSM agent (§5, §11): ack after processing, re-ack duplicates,
 * 100 000 capacities, overflow = send once without storing, oldest-entry-per-tick resend with RTT
 * sampled from the latest send, no resend cap, pause/start_publication, Flags 1 on seq 0, no digest check.
 */
import { ProtocolError } from './errors';
import { MessageFlags, MessageType, PayloadType } from './constants';
import { buildAcknowledge, parseAcknowledge } from './payloads';
import { encodeMessage, parseMessage, type SsmMessage } from './message';

export type Role = 'client' | 'agent';
/** What the owner says about an in-order stream message: 'not-ready' = don't ack, don't advance. */
export type Delivery = 'ok' | 'not-ready';

export interface ReliabilityProfile {
  outgoingType: string;
  incomingType: string;
  checkDigest: boolean;
  reackDuplicates: boolean;
  /** Payload types acked before delivery (the plugin does this for handshake messages). */
  ackFirstPayloadTypes: readonly number[];
  /** Max stored unacked messages; agent: beyond it a message is sent once and not stored. */
  outgoingCapacity: number;
  incomingCapacity: number;
  /** Client window: messages/bytes transmitted and not yet acked. Infinity = no window. */
  maxInFlightMessages: number;
  maxInFlightBytes: number;
  /** 'oldest-per-tick' (agent) or 'all-overdue' (client, with per-entry exponential back-off). */
  resendPolicy: 'oldest-per-tick' | 'all-overdue';
  /** 'latest-send' (agent) or 'karn' (client: only never-retransmitted entries give samples). */
  rttSampling: 'latest-send' | 'karn';
  /** Give up (hooks.fatal) once one entry has been resent this often. Infinity = never. */
  maxResendAttempts: number;
  /** Cap on a back-off resend interval (client). */
  maxBackoffMs: number;
  /**
   * Floor under the computed RTO. The data channel rides on TCP, so a message is lost only when
   * the service drops it; under load, acks queue behind a full window and a loopback-sized RTO
   * (srtt + 10 ms) fired resends of messages already on their way: a tenth of a fast upload's
   * messages were sent twice. 200 ms is the spec's initial RTO (and Linux TCP's minimum).
   */
  minRtoMs: number;
  honourPublication: boolean;
  synOnFirst: boolean;
  /**
   * Keep an in-order message the owner refused ('not-ready') and deliver it on retryPending()
   * (client), instead of discarding it and waiting for the peer's resend (agent, plugin): the
   * agent resends only its oldest entry per 100 ms tick, so a discard stalls a busy stream.
   */
  holdRefused: boolean;
}

/** §5.4 constants. */
export const RTT = { initialSrtt: 100, initialRttvar: 0, initialRto: 200, granularity: 10, maxRto: 1000, tickMs: 100 } as const;

export const PROFILES: Record<Role, ReliabilityProfile> = {
  client: {
    outgoingType: MessageType.InputStreamData,
    incomingType: MessageType.OutputStreamData,
    checkDigest: true,
    reackDuplicates: true,
    ackFirstPayloadTypes: [PayloadType.HandshakeRequest, PayloadType.HandshakeComplete, PayloadType.EncChallengeRequest],
    outgoingCapacity: Infinity,
    incomingCapacity: 10_000,
    maxInFlightMessages: 512,
    maxInFlightBytes: 2 * 1024 * 1024,
    resendPolicy: 'all-overdue',
    rttSampling: 'karn',
    maxResendAttempts: 120,
    maxBackoffMs: 5000,
    minRtoMs: RTT.initialRto,
    honourPublication: true,
    synOnFirst: false,
    holdRefused: true,
  },
  agent: {
    outgoingType: MessageType.OutputStreamData,
    incomingType: MessageType.InputStreamData,
    checkDigest: false,
    reackDuplicates: true,
    ackFirstPayloadTypes: [],
    outgoingCapacity: 100_000,
    incomingCapacity: 100_000,
    maxInFlightMessages: Infinity,
    maxInFlightBytes: Infinity,
    resendPolicy: 'oldest-per-tick',
    rttSampling: 'latest-send',
    maxResendAttempts: Infinity,
    maxBackoffMs: 1000,
    minRtoMs: 0,
    honourPublication: true,
    synOnFirst: true,
    holdRefused: false,
  },
};

export interface ReliabilityHooks {
  /** Write one binary frame to the transport. Only called while the transport is up. */
  transmit(frame: Buffer): void;
  /** An in-order stream message of the peer. Throwing counts as an error: no ack, no advance. */
  deliver(msg: SsmMessage): Delivery;
  /** Any non-stream, non-ack message (channel_closed, publication, agent_session_state, unknown). */
  control?(msg: SsmMessage): void;
  /** The send window reopened after canSend() had returned false. */
  drain?(): void;
  /** Unrecoverable: the resend limit was hit. */
  fatal?(err: Error): void;
  /** A frame was dropped (not acked) because it was malformed, or delivery threw. */
  dropped?(err: Error): void;
}

/** Where a channel left off: what a new connection to the same session continues from. */
export interface ResumePoint {
  /** Our next stream sequence number (the oldest one the peer has not acknowledged). */
  nextOutgoingSeq: number;
  /** The peer's next sequence number we have not delivered. */
  expectedIncomingSeq: number;
}

export interface ReliabilityOptions {
  role: Role;
  hooks: ReliabilityHooks;
  profile?: Partial<ReliabilityProfile>;
  now?: () => number;
  /** Continue a session another engine (a previous run of the app) left at this point. */
  resumeAt?: ResumePoint;
}

export interface ReliabilityStats {
  bytesSent: number;
  bytesReceived: number;
  messagesSent: number;
  messagesReceived: number;
  retransmits: number;
  duplicatesReceived: number;
  outOfOrderReceived: number;
  acksSent: number;
  acksReceived: number;
  /** Acknowledgements sent again by keepalive(). */
  keepalivesSent: number;
  droppedFrames: number;
  srttMs: number;
  rttvarMs: number;
  rtoMs: number;
  /** Stored, unacknowledged outgoing messages (in flight + queued behind the window). */
  buffered: number;
  inFlight: number;
  inFlightBytes: number;
  reorderBuffered: number;
  nextOutgoingSeq: number;
  expectedIncomingSeq: number;
}

interface OutEntry {
  seq: number;
  frame: Buffer;
  payloadBytes: number;
  lastSent: number;
  attempts: number;
}

function ackFrame(acked: SsmMessage): Buffer {
  return encodeMessage({ messageType: MessageType.Acknowledge, flags: MessageFlags.SynFin, payload: buildAcknowledge(acked), createdDate: Date.now() });
}

export class ReliabilityEngine {
  readonly role: Role;
  readonly profile: ReliabilityProfile;
  private readonly hooks: ReliabilityHooks;
  private readonly now: () => number;

  private nextSeq = 0;
  /** All stored unacked entries in sequence order (Map keeps insertion order). */
  private readonly outgoing = new Map<number, OutEntry>();
  /** Entries with seq < nextToTransmit have been written (or were due while paused, agent). */
  private nextToTransmit = 0;
  private inFlight = 0;
  private inFlightBytes = 0;
  private expected = 0;
  private readonly reorder = new Map<number, SsmMessage>();
  /** The in-order message the owner refused, unacknowledged until it is delivered (holdRefused). */
  private held: SsmMessage | undefined;
  /** The last stream message we acknowledged, for keepalive(): its ack may be sent again. */
  private lastAcked: SsmMessage | undefined;
  private srtt: number = RTT.initialSrtt;
  private rttvar: number = RTT.initialRttvar;
  private rto: number = RTT.initialRto;
  private transportUp = false;
  private paused = false;
  private blocked = false;
  private closed = false;
  private readonly counters = {
    bytesSent: 0,
    bytesReceived: 0,
    messagesSent: 0,
    messagesReceived: 0,
    retransmits: 0,
    duplicatesReceived: 0,
    outOfOrderReceived: 0,
    acksSent: 0,
    acksReceived: 0,
    keepalivesSent: 0,
    droppedFrames: 0,
  };

  constructor(options: ReliabilityOptions) {
    this.role = options.role;
    this.profile = { ...PROFILES[options.role], ...options.profile };
    this.hooks = options.hooks;
    this.now = options.now ?? Date.now;
    if (options.resumeAt) {
      this.nextSeq = this.nextToTransmit = options.resumeAt.nextOutgoingSeq;
      this.expected = options.resumeAt.expectedIncomingSeq;
    }
  }

  /**
   * Where to continue from on a new connection. Unacknowledged outgoing messages are given up:
   * their numbers are reused, so the peer never waits for a gap (a keystroke it did get but
   * never acknowledged then arrives as a duplicate and is dropped).
   */
  resumePoint(): ResumePoint {
    const oldestUnacked = this.outgoing.keys().next();
    return { nextOutgoingSeq: oldestUnacked.done ? this.nextSeq : oldestUnacked.value, expectedIncomingSeq: this.expected };
  }

  /** Tell the engine whether transmit() may be called. Going up resends what is in flight (client) or clears pause (agent). */
  setTransportUp(up: boolean): void {
    this.transportUp = up;
    if (!up || this.closed) return;
    this.paused = false;
    if (this.profile.resendPolicy === 'all-overdue') {
      // Everything in flight was probably lost with the old socket; don't wait an RTO for each.
      const t = this.now();
      for (const e of this.outgoing.values()) {
        if (e.seq >= this.nextToTransmit) break;
        this.retransmit(e, t);
      }
    }
    this.pump();
  }

  get isTransportUp(): boolean {
    return this.transportUp;
  }
  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * Sequence, store and (window permitting) transmit one stream message. The payload must be
   * final (already encrypted). Returns its sequence number. Throws ProtocolError on empty payload.
   */
  send(payloadType: number, payload: Uint8Array): number {
    if (this.closed) throw new Error('data channel is closed; open a new session to send more');
    const seq = this.nextSeq;
    const frame = encodeMessage({
      messageType: this.profile.outgoingType,
      sequenceNumber: seq,
      flags: this.profile.synOnFirst && seq === 0 ? MessageFlags.Syn : MessageFlags.None,
      payloadType,
      payload,
      createdDate: Date.now(),
    });
    this.nextSeq++;
    this.counters.messagesSent++;
    this.counters.bytesSent += payload.length;
    if (this.outgoing.size >= this.profile.outgoingCapacity) {
      // Agent behaviour (§5.5): sent once, never stored, never retransmitted.
      if (this.nextToTransmit === seq) this.nextToTransmit++;
      if (this.transportUp && !this.paused) this.hooks.transmit(frame);
      return seq;
    }
    this.outgoing.set(seq, { seq, frame, payloadBytes: payload.length, lastSent: 0, attempts: 0 });
    this.pump();
    return seq;
  }

  /** Send a non-sequenced message (e.g. agent_session_state): seq 0, not stored, not retransmitted. */
  sendControl(messageType: string, payload: Uint8Array, flags: number = MessageFlags.SynFin): void {
    if (!this.transportUp) return;
    this.hooks.transmit(encodeMessage({ messageType, payload, flags, createdDate: Date.now() }));
  }

  /**
   * Traffic that reaches no program: the acknowledgement of the last message we acknowledged,
   * once more. Not a stream message (no sequence number, never acknowledged, §4.1); the peer looks
   * the number up in its outgoing buffer, finds it already removed and ignores it (§5.3), exactly
   * as it treats a duplicate ack. False when there is nothing to acknowledge yet or no transport.
   */
  keepalive(): boolean {
    const acked = this.lastAcked;
    if (!acked || !this.transportUp || this.closed) return false;
    this.counters.keepalivesSent++;
    this.hooks.transmit(ackFrame(acked));
    return true;
  }

  /** True while the window has room; when it returns false, wait for hooks.drain. */
  canSend(): boolean {
    const ok = this.outgoing.size - this.inFlight < this.queueHighWater() && !(this.paused && this.profile.resendPolicy === 'oldest-per-tick');
    if (!ok) this.blocked = true;
    return ok;
  }

  private queueHighWater(): number {
    // Allow as much queued-but-unsent data as one window; beyond that the producer must wait.
    return Number.isFinite(this.profile.maxInFlightMessages) ? this.profile.maxInFlightMessages : this.profile.outgoingCapacity;
  }

  /** Feed one received binary frame. Malformed frames are dropped without ack (hooks.dropped). */
  receive(frame: Uint8Array): void {
    if (this.closed) return;
    let msg: SsmMessage;
    try {
      msg = parseMessage(frame, { checkDigest: this.profile.checkDigest });
    } catch (e) {
      this.drop(e);
      return;
    }
    if (msg.messageType === this.profile.incomingType) {
      this.clearPause();
      this.receiveStream(msg);
    } else if (msg.messageType === MessageType.Acknowledge) {
      this.receiveAck(msg);
    } else {
      if (this.profile.honourPublication) {
        if (msg.messageType === MessageType.PausePublication) this.paused = true;
        else if (msg.messageType === MessageType.StartPublication) {
          this.paused = false;
          this.pump();
        }
      }
      this.hooks.control?.(msg);
    }
  }

  /** Any sign of life from the peer ends a pause (agent: §5.6; client: so a lost start_publication cannot stall us). */
  private clearPause(): void {
    if (!this.paused || !this.profile.honourPublication) return;
    this.paused = false;
    this.pump();
  }

  private drop(e: unknown): void {
    this.counters.droppedFrames++;
    this.hooks.dropped?.(e instanceof Error ? e : new Error(String(e)));
  }

  private receiveStream(msg: SsmMessage): void {
    const s = msg.sequenceNumber;
    if (s < this.expected) {
      this.counters.duplicatesReceived++;
      if (this.profile.reackDuplicates) this.sendAck(msg);
      return;
    }
    if (s > this.expected) {
      if (this.reorder.has(s)) {
        this.counters.duplicatesReceived++;
        this.sendAck(msg);
        return;
      }
      if (this.reorder.size >= this.profile.incomingCapacity) return; // dropped without ack: peer resends
      this.counters.outOfOrderReceived++;
      this.reorder.set(s, msg);
      this.sendAck(msg);
      return;
    }
    if (this.held) {
      // The peer resent the message we hold; its ack goes out once the owner takes it.
      this.counters.duplicatesReceived++;
      return;
    }
    const ackFirst = this.ackedFirst(msg);
    if (ackFirst) this.sendAck(msg);
    this.deliverInOrder(msg, ackFirst);
  }

  private ackedFirst(msg: SsmMessage): boolean {
    return this.profile.ackFirstPayloadTypes.includes(msg.payloadType);
  }

  /** Hands the message at `expected` to the owner; on success acks (unless done first) and advances. */
  private deliverInOrder(msg: SsmMessage, ackedFirst: boolean): void {
    const outcome = this.tryDeliver(msg);
    if (outcome !== 'ok') {
      if (outcome === 'not-ready' && this.profile.holdRefused) this.held = msg;
      return;
    }
    if (!ackedFirst) this.sendAck(msg);
    this.expected++;
    this.drainReorder();
  }

  private tryDeliver(msg: SsmMessage): Delivery | 'dropped' {
    let result: Delivery;
    try {
      result = this.hooks.deliver(msg);
    } catch (e) {
      this.drop(e);
      return 'dropped';
    }
    if (result !== 'ok') return result;
    this.counters.messagesReceived++;
    this.counters.bytesReceived += msg.payload.length;
    return 'ok';
  }

  /** Deliver buffered out-of-order messages that became in-order (already acked when stored). */
  private drainReorder(): void {
    for (;;) {
      const next = this.reorder.get(this.expected);
      if (!next) return;
      // Already acknowledged: if the owner is not ready we must keep it, not drop it; retryPending() resumes.
      if (this.tryDeliver(next) !== 'ok') return;
      this.reorder.delete(this.expected);
      this.expected++;
    }
  }

  /** Call when the owner becomes ready again, to deliver acknowledged messages it refused. */
  retryPending(): void {
    const held = this.held;
    if (!held) {
      this.drainReorder();
      return;
    }
    this.held = undefined;
    this.deliverInOrder(held, this.ackedFirst(held));
  }

  private sendAck(msg: SsmMessage): void {
    if (!this.transportUp) return; // the peer resends; its duplicate gets re-acked
    this.counters.acksSent++;
    this.lastAcked = msg; // a reference, not a copy: this runs once per message of a flood
    this.hooks.transmit(ackFrame(msg));
  }

  private receiveAck(msg: SsmMessage): void {
    let seq: number;
    try {
      seq = parseAcknowledge(msg.payload).AcknowledgedMessageSequenceNumber;
    } catch (e) {
      this.drop(e);
      return;
    }
    this.counters.acksReceived++;
    this.clearPause();
    const entry = this.outgoing.get(seq);
    if (!entry || seq >= this.nextToTransmit) return; // unknown or never sent: ignore
    if (this.profile.rttSampling === 'latest-send' || entry.attempts === 0) this.sampleRtt(this.now() - entry.lastSent);
    this.outgoing.delete(seq);
    this.inFlight--;
    this.inFlightBytes -= entry.payloadBytes;
    this.pump();
  }

  private sampleRtt(r: number): void {
    const sample = Math.max(0, r);
    this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - sample);
    this.srtt = 0.875 * this.srtt + 0.125 * sample;
    this.rto = Math.max(this.profile.minRtoMs, Math.min(RTT.maxRto, this.srtt + Math.max(RTT.granularity, 4 * this.rttvar)));
  }

  private windowOpen(): boolean {
    const maxMsgs = this.paused ? 1 : this.profile.maxInFlightMessages;
    return this.inFlight < maxMsgs && (this.inFlightBytes < this.profile.maxInFlightBytes || this.inFlight === 0);
  }

  /** Transmit queued entries while the window allows. */
  private pump(): void {
    const t = this.now();
    while (this.nextToTransmit < this.nextSeq) {
      const entry = this.outgoing.get(this.nextToTransmit);
      if (!entry) {
        this.nextToTransmit++;
        continue;
      }
      const agentPaused = this.paused && this.profile.resendPolicy === 'oldest-per-tick';
      if (!agentPaused && (!this.transportUp || !this.windowOpen())) break;
      entry.lastSent = t;
      this.nextToTransmit++;
      this.inFlight++;
      this.inFlightBytes += entry.payloadBytes;
      // Agent while paused: stored as if sent, delivered later by the resend loop (§5.6).
      if (!agentPaused) this.hooks.transmit(entry.frame);
    }
    if (this.blocked && this.canSendQuiet()) {
      this.blocked = false;
      this.hooks.drain?.();
    }
  }

  private canSendQuiet(): boolean {
    return this.outgoing.size - this.inFlight < this.queueHighWater() / 2 && !(this.paused && this.profile.resendPolicy === 'oldest-per-tick');
  }

  private dueIn(e: OutEntry, t: number): number {
    const interval =
      this.profile.resendPolicy === 'all-overdue'
        ? Math.min(this.profile.maxBackoffMs, this.rto * 2 ** Math.min(e.attempts, 10))
        : this.rto;
    return e.lastSent + interval - t;
  }

  private retransmit(e: OutEntry, t: number): void {
    e.attempts++;
    e.lastSent = t;
    this.counters.retransmits++;
    this.hooks.transmit(e.frame);
  }

  /** Run the resend check. Call every 100 ms (agent) or when nextTimeout() says so. */
  tick(): void {
    if (this.closed) return;
    if (this.reorder.size > 0) this.drainReorder();
    if (!this.transportUp) return;
    if (this.paused && this.role === 'agent') return;
    const t = this.now();
    for (const e of this.outgoing.values()) {
      if (e.seq >= this.nextToTransmit) break;
      // Agent compares strictly (now - lastSent > RTO); client resends once the interval elapsed.
      const due = this.dueIn(e, t);
      const overdue = this.profile.resendPolicy === 'oldest-per-tick' ? due < 0 : due <= 0;
      if (overdue) {
        if (e.attempts >= this.profile.maxResendAttempts) {
          this.closed = true;
          this.hooks.fatal?.(new Error(`message ${e.seq} was resent ${e.attempts} times without acknowledgement; the session is no longer reachable`));
          return;
        }
        this.retransmit(e, t);
      }
      if (this.profile.resendPolicy === 'oldest-per-tick') return;
    }
  }

  /** Milliseconds until the next resend is due (undefined when nothing is in flight). */
  nextTimeout(): number | undefined {
    if (!this.transportUp || this.closed) return undefined;
    const t = this.now();
    let min: number | undefined;
    for (const e of this.outgoing.values()) {
      if (e.seq >= this.nextToTransmit) break;
      const d = this.dueIn(e, t);
      if (min === undefined || d < min) min = d;
      if (this.profile.resendPolicy === 'oldest-per-tick') break;
    }
    return min === undefined ? undefined : Math.max(0, min);
  }

  /** True when every stored outgoing message has been acknowledged. */
  get allAcknowledged(): boolean {
    return this.outgoing.size === 0;
  }

  stats(): ReliabilityStats {
    return {
      ...this.counters,
      srttMs: this.srtt,
      rttvarMs: this.rttvar,
      rtoMs: this.rto,
      buffered: this.outgoing.size,
      inFlight: this.inFlight,
      inFlightBytes: this.inFlightBytes,
      reorderBuffered: this.reorder.size,
      nextOutgoingSeq: this.nextSeq,
      expectedIncomingSeq: this.expected,
    };
  }

  /** Stop: no more transmits, resends or deliveries. */
  close(): void {
    this.closed = true;
  }
  get isClosed(): boolean {
    return this.closed;
  }
}

export { ProtocolError };
