/**
 * A minimal in-process stand-in for the ssmmessages service + agent, for the data-channel tests:
 * a `ws` server on 127.0.0.1:0 that checks the OpenDataChannel token and runs the reliability
 * engine with the `agent` profile (surviving reconnects), with fault injection (drop, duplicate,
 * delay/reorder, socket drop) and a scripted session: shell echo, port (stdio/mux to a real TCP
 * destination), optional KMS handshake. Not the emulator; just enough of an agent to test against.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  buildHandshakeComplete,
  buildHandshakeRequest,
  buildKmsAction,
  buildSessionTypeAction,
  buildEncChallenge,
  buildChannelClosed,
  buildExitCode,
  encodeMessage,
  parseEncChallenge,
  parseHandshakeResponse,
  parseOpenDataChannel,
  parseSize,
  MessageType,
  PayloadType,
  type TerminalSize,
} from '../../../main/core/ssm/message';
import { ReliabilityEngine, type Delivery } from '../../../main/core/ssm/reliability';
import { PayloadCipher } from '../../../main/core/ssm/encryption';
import { SmuxSession, type SmuxStream } from '../../../main/core/ssm/smux';
import { randomBytes } from 'node:crypto';

export interface PeerFaults {
  drop: number;
  duplicate: number;
  maxDelayMs: number;
}
export type PeerScript =
  | { kind: 'shell'; kms?: { dataKey: Buffer; keyId: string }; echo?: boolean }
  | { kind: 'port'; properties: Record<string, string>; agentVersion?: string; destPort: number };

export class TestPeer {
  readonly wss: WebSocketServer;
  port = 0;
  token = 'token-1';
  refuseResume = false;
  faults: PeerFaults = { drop: 0, duplicate: 0, maxDelayMs: 0 };
  readonly sizes: TerminalSize[] = [];
  readonly flags: number[] = [];
  readonly receivedFromClient: Buffer[] = [];
  openFrames = 0;
  private ws: WebSocket | undefined;
  readonly engine: ReliabilityEngine;
  private handshakeDone = false;
  private cipher: PayloadCipher | undefined;
  private challenge: Buffer | undefined;
  private mux: SmuxSession | undefined;
  private stdioSocket: Socket | undefined;
  private timer: NodeJS.Timeout;
  private started = false;

  constructor(readonly script: PeerScript) {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.engine = new ReliabilityEngine({
      role: 'agent',
      hooks: {
        transmit: (f) => this.toClient(f),
        deliver: (m) => this.deliver(m.payloadType, m.payload),
      },
    });
    this.timer = setInterval(() => this.engine.tick(), 20);
    this.wss.on('connection', (ws) => this.onConnection(ws));
  }

  async listen(): Promise<string> {
    await new Promise<void>((r) => (this.wss.address() ? r() : this.wss.once('listening', () => r())));
    this.port = (this.wss.address() as AddressInfo).port;
    return `ws://127.0.0.1:${this.port}/v1/data-channel/sess-1?role=publish_subscribe`;
  }

  /** ResumeSession stand-in. */
  resume = async (): Promise<{ TokenValue: string } | null> => {
    if (this.refuseResume) return null;
    this.token = `token-${Math.random().toString(36).slice(2)}`;
    return { TokenValue: this.token };
  };

  dropSocket(): void {
    this.ws?.terminate();
  }

  /** Service-side channel_closed to the client. */
  closeChannel(output = ''): void {
    const payload = buildChannelClosed({ MessageId: '', CreatedDate: '1', DestinationId: 'i-1', SessionId: 'sess-1', MessageType: 'channel_closed', SchemaVersion: 1, Output: output });
    this.ws?.send(encodeMessage({ messageType: MessageType.ChannelClosed, payload, flags: 3 }));
  }

  sendExitCode(code: number): void {
    this.engine.send(PayloadType.ExitCode, buildExitCode(code));
  }

  /** Agent output to the client (shell). */
  output(bytes: Uint8Array): void {
    this.engine.send(PayloadType.Output, this.cipher ? this.cipher.encrypt(bytes) : bytes);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.engine.close();
    this.mux?.close();
    this.stdioSocket?.destroy();
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }

  private onConnection(ws: WebSocket): void {
    let authed = false;
    ws.on('message', (data, isBinary) => {
      const buf = data as Buffer;
      if (!authed) {
        if (isBinary) return ws.close(1008, 'first frame must be OpenDataChannel text');
        const open = parseOpenDataChannel(buf);
        if (open.TokenValue !== this.token) return ws.close(1008, 'bad token');
        authed = true;
        this.openFrames++;
        this.ws?.terminate();
        this.ws = ws;
        this.engine.setTransportUp(true);
        if (!this.started) {
          this.started = true;
          this.startScript();
        }
        return;
      }
      this.fault(() => this.engine.receive(buf));
    });
    ws.on('close', () => {
      if (this.ws === ws) {
        this.ws = undefined;
        this.engine.setTransportUp(false);
      }
    });
  }

  private fault(fn: () => void): void {
    const f = this.faults;
    if (Math.random() < f.drop) return;
    const copies = Math.random() < f.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      if (f.maxDelayMs > 0) setTimeout(fn, Math.random() * f.maxDelayMs);
      else fn();
    }
  }

  private toClient(frame: Buffer): void {
    const ws = this.ws;
    if (!ws) return;
    this.fault(() => {
      if (ws.readyState === ws.OPEN) ws.send(frame);
    });
  }

  private startScript(): void {
    const s = this.script;
    if (s.kind === 'shell' && !s.kms) {
      this.handshakeDone = true;
      this.output(Buffer.from('$ '));
      return;
    }
    const actions =
      s.kind === 'shell'
        ? [buildSessionTypeAction('Standard_Stream', null), ...(s.kms ? [buildKmsAction(s.kms.keyId, randomBytes(16).toString('base64'))] : [])]
        : [buildSessionTypeAction('Port', s.properties)];
    this.engine.send(PayloadType.HandshakeRequest, buildHandshakeRequest({ AgentVersion: s.kind === 'port' ? (s.agentVersion ?? '3.3.40.0') : '3.3.40.0', RequestedClientActions: actions }));
  }

  private completeHandshake(): void {
    this.engine.send(PayloadType.HandshakeComplete, buildHandshakeComplete({ HandshakeTimeToComplete: 1_000_000, CustomerMessage: this.cipher ? 'This session is encrypted using AWS KMS.' : '' }));
    this.handshakeDone = true;
    const s = this.script;
    if (s.kind === 'shell') this.output(Buffer.from('$ '));
    else if (s.properties.type === 'LocalPortForwarding') {
      this.mux = new SmuxSession({ role: 'server', write: (f) => (this.engine.send(PayloadType.Output, f), true) });
      this.mux.on('stream', (stream: SmuxStream) => {
        const dest = connect(s.destPort, '127.0.0.1');
        dest.on('error', () => stream.destroy());
        stream.pipe(dest).pipe(stream);
      });
    } else {
      this.stdioSocket = connect(s.destPort, '127.0.0.1');
      this.stdioSocket.on('data', (d: Buffer) => this.engine.send(PayloadType.Output, d));
    }
  }

  private deliver(payloadType: number, payload: Uint8Array): Delivery {
    if (payloadType === PayloadType.HandshakeResponse) {
      const res = parseHandshakeResponse(payload);
      const kms = res.ProcessedClientActions.find((a) => a.ActionType === 'KMSEncryption');
      if (kms && this.script.kind === 'shell' && this.script.kms) {
        // Fake KMS: the test's generateDataKey returns the data key itself as the "ciphertext".
        this.cipher = new PayloadCipher(Buffer.from(kms.ActionResult?.KMSCipherTextKey ?? '', 'base64'), 'agent');
        this.challenge = randomBytes(64);
        this.engine.send(PayloadType.EncChallengeRequest, buildEncChallenge(this.cipher.encrypt(this.challenge)));
      } else this.completeHandshake();
      return 'ok';
    }
    if (payloadType === PayloadType.EncChallengeResponse) {
      const back = this.cipher?.decrypt(parseEncChallenge(payload));
      if (!back || !this.challenge || !back.equals(this.challenge)) throw new Error('challenge mismatch');
      this.completeHandshake();
      return 'ok';
    }
    if (!this.handshakeDone) return 'ok'; // ack-and-drop before the handshake (§11.3)
    if (payloadType === PayloadType.Size) {
      this.sizes.push(parseSize(payload));
      return 'ok';
    }
    if (payloadType === PayloadType.Flag) {
      this.flags.push(new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0));
      return 'ok';
    }
    const data = this.cipher ? this.cipher.decrypt(payload) : Buffer.from(payload);
    this.receivedFromClient.push(data);
    if (this.mux) this.mux.input(data);
    else if (this.stdioSocket) this.stdioSocket.write(data);
    else if (this.script.kind === 'shell' && this.script.echo !== false) this.output(data); // shell: echo
    return 'ok';
  }
}
