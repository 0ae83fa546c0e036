import { randomUUID } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { WebSocket } from 'ws';
import { MessageFlags, MessageType, PayloadType } from '../../main/core/ssm/constants';
import { PayloadCipher } from '../../main/core/ssm/encryption';
import { encodeMessage, parseMessage, type SsmMessage } from '../../main/core/ssm/message';
import {
  ActionStatus,
  ActionType,
  buildAcknowledge,
  buildEncChallenge,
  buildHandshakeResponse,
  buildOpenDataChannel,
  buildSize,
  kmsEncryptionParametersSchema,
  parseAcknowledge,
  parseEncChallenge,
  parseHandshakeRequest,
  type ProcessedClientAction,
} from '../../main/core/ssm/payloads';

/**
 * A deliberately small data-channel client for tests: opens the socket, sends OpenDataChannel,
 * acknowledges every stream message (re-acking duplicates), assembles output in sequence order,
 * answers the handshake, and records every frame so tests can assert the agent's exact behaviour.
 * It is not the product's client (core/ssm): no windows, no back-off; `autoResendMs` resends all
 * unacknowledged input, which is enough to ride out injected faults.
 *
 *   const dc = await RawDataChannel.open(creds, { clientVersion: '1.2.650.0' });
 *   await dc.waitForText('$ ');  dc.sendText('echo hi\r');  await dc.waitForClose();
 */

export interface RawDataChannelOptions {
  clientVersion?: string;
  /** Answer the HandshakeRequest automatically (default true). */
  autoHandshake?: boolean;
  /** Send acknowledgements for stream messages (default true). */
  autoAck?: boolean;
  /** Resend every unacknowledged input message this often (default off). */
  autoResendMs?: number;
  /** KMS for encrypted sessions: returns the CiphertextBlob and the 64-byte plaintext key. */
  generateDataKey?: (keyId: string, context: Record<string, string>) => { ciphertext: Uint8Array; plaintext: Uint8Array };
  target?: string;
}

export interface Credentials {
  SessionId: string;
  TokenValue: string;
  StreamUrl: string;
}

export interface Received {
  /** Arrival order index. */
  index: number;
  msg: SsmMessage;
}

export class RawDataChannel {
  ws!: WebSocket;
  readonly clientId = randomUUID();
  readonly received: Received[] = [];
  readonly sentFrames: Buffer[] = [];
  /** In-order stream payloads by PayloadType (decrypted). */
  readonly streams = new Map<number, Buffer[]>();
  closeCode: number | undefined;
  closeReason = '';
  private nextSeq = 0;
  private expected = 0;
  private readonly reorder = new Map<number, SsmMessage>();
  private readonly unacked = new Map<number, Buffer>();
  private cipher: PayloadCipher | undefined;
  private waiters: Array<() => void> = [];
  private resendTimer: NodeJS.Timeout | undefined;
  private arrival = 0;
  /** Decoded text per PayloadType, appended as payloads arrive (keeps waitForText linear). */
  private readonly texts = new Map<number, { decoder: StringDecoder; pieces: string[]; joined: string | undefined }>();
  private readonly payloadListeners: Array<(payloadType: number, payload: Buffer) => void> = [];

  private constructor(
    private creds: Credentials,
    private readonly options: RawDataChannelOptions,
  ) {}

  static async open(creds: Credentials, options: RawDataChannelOptions = {}): Promise<RawDataChannel> {
    const dc = new RawDataChannel(creds, options);
    await dc.connect(creds.TokenValue);
    if (options.autoResendMs) {
      dc.resendTimer = setInterval(() => dc.resendUnacked(), options.autoResendMs);
      dc.resendTimer.unref();
    }
    return dc;
  }

  /** (Re)opens the socket with a token, keeping all sequence state (as after ResumeSession). */
  async connect(token: string, url = this.creds.StreamUrl): Promise<void> {
    this.closeCode = undefined;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.onFrame(data);
    });
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.closeCode = code;
      this.closeReason = reason.toString();
      this.notify();
    });
    ws.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const open = { requestId: randomUUID(), tokenValue: token, clientId: this.clientId };
    ws.send(buildOpenDataChannel(this.options.clientVersion ? { ...open, clientVersion: this.options.clientVersion } : open));
  }

  // ---- receiving ----

  private onFrame(frame: Buffer): void {
    const msg = parseMessage(frame);
    this.received.push({ index: this.arrival++, msg });
    if (msg.messageType === MessageType.Acknowledge) {
      this.unacked.delete(parseAcknowledge(msg.payload).AcknowledgedMessageSequenceNumber);
    } else if (msg.messageType === MessageType.OutputStreamData) {
      if (this.options.autoAck ?? true) this.ack(msg);
      if (msg.sequenceNumber === this.expected) {
        this.consume(msg);
        this.expected++;
        for (let next = this.reorder.get(this.expected); next; next = this.reorder.get(this.expected)) {
          this.reorder.delete(this.expected);
          this.consume(next);
          this.expected++;
        }
      } else if (msg.sequenceNumber > this.expected) {
        this.reorder.set(msg.sequenceNumber, msg);
      }
    }
    this.notify();
  }

  private consume(msg: SsmMessage): void {
    let payload: Buffer = Buffer.from(msg.payload);
    if (this.cipher && (msg.payloadType === PayloadType.Output || msg.payloadType === PayloadType.StdErr || msg.payloadType === PayloadType.ExitCode)) {
      payload = this.cipher.decrypt(payload);
    }
    const list = this.streams.get(msg.payloadType) ?? [];
    list.push(payload);
    this.streams.set(msg.payloadType, list);
    const t = this.texts.get(msg.payloadType) ?? { decoder: new StringDecoder('utf8'), pieces: [], joined: '' };
    t.pieces.push(t.decoder.write(payload));
    t.joined = undefined;
    this.texts.set(msg.payloadType, t);
    for (const l of this.payloadListeners) l(msg.payloadType, payload);
    if (msg.payloadType === PayloadType.HandshakeRequest && (this.options.autoHandshake ?? true)) this.answerHandshake(msg.payload);
    if (msg.payloadType === PayloadType.EncChallengeRequest && (this.options.autoHandshake ?? true)) this.answerChallenge(msg.payload);
  }

  /** Answers the (first) HandshakeRequest received; for tests that set autoHandshake false. */
  respondToHandshake(): void {
    const req = this.streams.get(PayloadType.HandshakeRequest)?.[0];
    if (!req) throw new Error('no HandshakeRequest received yet');
    this.answerHandshake(req);
  }

  /** Sequence numbers the peer acknowledged, in arrival order (duplicates included). */
  ackedSequenceNumbers(): number[] {
    return this.messages(MessageType.Acknowledge).map((m) => parseAcknowledge(m.payload).AcknowledgedMessageSequenceNumber);
  }

  private answerHandshake(payload: Uint8Array): void {
    const req = parseHandshakeRequest(payload);
    const processed: ProcessedClientAction[] = req.RequestedClientActions.map((a) => {
      if (a.ActionType === ActionType.KMSEncryption && this.options.generateDataKey) {
        const params = kmsEncryptionParametersSchema.parse(a.ActionParameters);
        const key = this.options.generateDataKey(params.KMSKeyId, { 'aws:ssm:SessionId': this.creds.SessionId, 'aws:ssm:TargetId': this.options.target ?? '' });
        this.cipher = new PayloadCipher(key.plaintext, 'client');
        return { ActionType: a.ActionType, ActionStatus: ActionStatus.Success, ActionResult: { KMSCipherTextKey: Buffer.from(key.ciphertext).toString('base64'), KMSCipherTextHash: null }, Error: '' };
      }
      const ok = a.ActionType === ActionType.SessionType;
      return { ActionType: a.ActionType, ActionStatus: ok ? ActionStatus.Success : ActionStatus.Unsupported, ActionResult: null, Error: ok ? '' : 'unsupported' };
    });
    this.send(PayloadType.HandshakeResponse, buildHandshakeResponse({ ClientVersion: this.options.clientVersion ?? '1.2.0.0', ProcessedClientActions: processed, Errors: null }));
  }

  private answerChallenge(payload: Uint8Array): void {
    if (!this.cipher) throw new Error('EncChallengeRequest without a data key');
    const plain = this.cipher.decrypt(parseEncChallenge(payload));
    this.send(PayloadType.EncChallengeResponse, buildEncChallenge(this.cipher.encrypt(plain)));
  }

  ack(msg: SsmMessage): void {
    this.write(encodeMessage({ messageType: MessageType.Acknowledge, flags: MessageFlags.SynFin, payload: buildAcknowledge(msg) }));
  }

  // ---- sending ----

  /** Sends one input_stream_data message; returns its sequence number. */
  send(payloadType: number, payload: Uint8Array): number {
    const seq = this.nextSeq++;
    const body = this.cipher && payloadType === PayloadType.Output ? this.cipher.encrypt(payload) : payload;
    const frame = encodeMessage({ messageType: MessageType.InputStreamData, sequenceNumber: seq, payloadType, payload: body });
    this.unacked.set(seq, frame);
    this.write(frame);
    return seq;
  }

  sendText(text: string): number {
    return this.send(PayloadType.Output, Buffer.from(text, 'utf8'));
  }

  sendSize(cols: number, rows: number): number {
    return this.send(PayloadType.Size, buildSize({ cols, rows }));
  }

  write(frame: Buffer): void {
    this.sentFrames.push(frame);
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
  }

  resendUnacked(): void {
    for (const frame of this.unacked.values()) this.write(frame);
  }

  get unackedCount(): number {
    return this.unacked.size;
  }

  // ---- observing ----

  /** Called with every in-order (decrypted) stream payload, e.g. to feed an smux client. */
  onPayload(listener: (payloadType: number, payload: Buffer) => void): void {
    this.payloadListeners.push(listener);
  }

  /** Concatenated in-order payloads of one PayloadType (default Output). */
  bytes(payloadType: number = PayloadType.Output): Buffer {
    return Buffer.concat(this.streams.get(payloadType) ?? []);
  }

  /** Text of one PayloadType so far (a trailing incomplete UTF-8 sequence is not included yet). */
  text(payloadType: number = PayloadType.Output): string {
    const t = this.texts.get(payloadType);
    if (!t) return '';
    t.joined ??= t.pieces.join('');
    return t.joined;
  }

  messages(type?: string): SsmMessage[] {
    return this.received.map((r) => r.msg).filter((m) => type === undefined || m.messageType === type);
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves when `predicate` holds (checked on every frame and on close); rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; output so far: ${JSON.stringify(this.text().slice(-400))}, close=${this.closeCode}`)), timeoutMs);
      const check = (): void => {
        if (predicate()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      check();
    });
  }

  waitForText(fragment: string, timeoutMs?: number): Promise<void> {
    // Search only the pieces added since the last check (plus a seam), so big outputs stay linear.
    let nextPiece = 0;
    let seam = '';
    return this.waitFor(
      () => {
        const pieces = this.texts.get(PayloadType.Output)?.pieces ?? [];
        if (nextPiece >= pieces.length) return false;
        const fresh = seam + pieces.slice(nextPiece).join('');
        nextPiece = pieces.length;
        if (fresh.includes(fragment)) return true;
        seam = fresh.slice(-fragment.length);
        return false;
      },
      `output containing ${JSON.stringify(fragment)}`,
      timeoutMs,
    );
  }

  waitForClose(timeoutMs?: number): Promise<void> {
    return this.waitFor(() => this.closeCode !== undefined, 'the socket to close', timeoutMs);
  }

  close(): void {
    clearInterval(this.resendTimer);
    this.ws.terminate();
  }
}
