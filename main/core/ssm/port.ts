/**
 * Port sessions (spec §9): stdio mode (SSH ProxyCommand), basic mode (one connection at a time)
 * and multiplexed mode (smux v1 client), chosen from the handshake like the official client.
 *
 * How to use:
 *   const port = new PortSession(channel);
 *   const info = await port.start();                // opens the channel, waits for the handshake
 *   port.mode                                       // 'stdio' | 'basic' | 'mux'
 *   port.pipeStdio(process.stdin, process.stdout);  // stdio mode
 *   port.handleSocket(socket);                      // basic/mux: one accepted local connection
 *   await port.terminate();                         // Flag TerminateSession, then close
 * PortForwarder keeps a 127.0.0.1 listener and renews the session when resume is refused.
 */
import { EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex, Readable, Writable } from 'node:stream';
import { PayloadType, PortFlag } from './constants';
import { buildFlag, parseFlag, versionGreaterThan } from './payloads';
import { SmuxSession, type SmuxStream } from './smux';
import type { ClosedEvent, DataChannel } from './datachannel';
import type { SessionInfo } from './handshake';
import type { Delivery } from './reliability';

export type PortMode = 'stdio' | 'basic' | 'mux';

/** §9.2: mux iff type LocalPortForwarding and agent > 3.0.196.0; stdio when type is absent. */
export function selectPortMode(info: Pick<SessionInfo, 'agentVersion' | 'properties'>): PortMode {
  if (info.properties?.type !== 'LocalPortForwarding') return 'stdio';
  return versionGreaterThan(info.agentVersion, '3.0.196.0') ? 'mux' : 'basic';
}
/** §9.5: smux keepalive stays on unless the agent is > 3.1.1511.0. */
export function smuxKeepAliveNeeded(agentVersion: string): boolean {
  return !versionGreaterThan(agentVersion, '3.1.1511.0');
}

type Events = {
  ready: [SessionInfo];
  connectError: [];
  end: [ClosedEvent];
};

interface Sink {
  write(payload: Uint8Array): Delivery;
}

export class PortSession extends EventEmitter<Events> {
  mode: PortMode | undefined;
  info: SessionInfo | undefined;
  private mux: SmuxSession | undefined;
  private sink: Sink | undefined;
  private basicQueue: Duplex[] = [];
  private basicActive: Duplex | undefined;
  private outQueue: Buffer[] = [];
  private flushScheduled = false;

  constructor(readonly channel: DataChannel) {
    super();
    channel.setReceiver((p) => this.receive(p.payloadType, p.payload));
    channel.on('closed', (e) => {
      this.mux?.close();
      this.basicActive?.destroy();
      for (const s of this.basicQueue) s.destroy();
      this.emit('end', e);
    });
    channel.on('drain', () => this.mux?.writable());
  }

  /** Opens the channel and resolves with the session info once the handshake completes. */
  start(): Promise<SessionInfo> {
    return new Promise((resolve, reject) => {
      const onEnd = (e: ClosedEvent) => reject(new Error(`port session ended before the handshake: ${e.message || e.reason}`));
      this.once('end', onEnd);
      this.channel.once('handshake', (info) => {
        this.off('end', onEnd);
        this.info = info;
        this.mode = selectPortMode(info);
        if (this.mode === 'mux') {
          this.mux = new SmuxSession({ role: 'client', keepAlive: smuxKeepAliveNeeded(info.agentVersion), write: (f) => this.queueOut(f) });
          this.mux.on('receive-ready', () => this.channel.receiverReady());
          this.mux.on('error', () => undefined);
          const mux = this.mux;
          this.sink = {
            write: (payload) => {
              if (!mux.canAccept()) return 'not-ready';
              mux.input(payload);
              return 'ok';
            },
          };
        }
        this.emit('ready', info);
        this.channel.receiverReady();
        resolve(info);
      });
      this.channel.open().catch(reject);
    });
  }

  /** stdio mode: input -> agent, agent -> output. Input EOF ends the session once everything is acknowledged. */
  pipeStdio(input: Readable, output: Writable): void {
    this.attachStream(input, output, () => this.closeWhenAcked());
  }

  /** Serve one local connection (basic: queued, one at a time; mux: one smux stream each). */
  handleSocket(socket: Duplex): void {
    if (this.mode === 'mux' && this.mux) {
      let stream: SmuxStream;
      try {
        stream = this.mux.openStream();
      } catch {
        socket.destroy();
        return;
      }
      socket.on('error', () => stream.destroy());
      stream.on('error', () => socket.destroy());
      socket.pipe(stream);
      stream.pipe(socket);
      socket.once('close', () => stream.destroy());
      stream.once('close', () => socket.destroy());
      return;
    }
    if (this.mode === 'basic') {
      this.basicQueue.push(socket);
      this.nextBasic();
      return;
    }
    socket.destroy(new Error('this port session is in stdio mode; it cannot accept local connections'));
  }

  /** Flag TerminateSession (agent > 2.3.722.0 understands it), wait briefly for its ack, close. */
  async terminate(waitMs = 2000): Promise<void> {
    if (this.channel.currentState === 'closed') return;
    this.channel.send(PayloadType.Flag, buildFlag(PortFlag.TerminateSession));
    await this.waitAcked(waitMs);
    this.channel.close();
  }

  private waitAcked(waitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const started = Date.now();
      const poll = () => {
        if (this.channel.allAcknowledged || this.channel.currentState === 'closed' || Date.now() - started > waitMs) resolve();
        else setTimeout(poll, 10).unref();
      };
      poll();
    });
  }

  private closeWhenAcked(): void {
    void this.waitAcked(5000).then(() => this.channel.close());
  }

  private nextBasic(): void {
    if (this.basicActive || this.basicQueue.length === 0) return;
    const socket = this.basicQueue.shift() as Duplex;
    this.basicActive = socket;
    this.attachStream(socket, socket, () => {
      // §9.4: tell the agent to drop its destination connection, then serve the next one.
      if (this.channel.currentState !== 'closed') this.channel.send(PayloadType.Flag, buildFlag(PortFlag.DisconnectToPort));
      this.basicActive = undefined;
      this.sink = undefined;
      this.nextBasic();
    });
    this.channel.receiverReady();
  }

  private attachStream(input: Readable, output: Writable, onInputEnd: () => void): void {
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      this.channel.off('drain', resume);
      onInputEnd();
    };
    const resume = () => input.resume();
    input.on('data', (chunk: Buffer) => {
      if (this.channel.currentState === 'closed') return;
      if (!this.channel.send(PayloadType.Output, chunk)) input.pause();
    });
    this.channel.on('drain', resume);
    input.once('end', end);
    input.once('close', end);
    input.on('error', end);
    output.on('drain', () => this.channel.receiverReady());
    this.sink = {
      write: (payload) => {
        if (output.writableNeedDrain) return 'not-ready'; // the agent resends; bounded memory
        output.write(Buffer.from(payload));
        return 'ok';
      },
    };
  }

  private queueOut(frame: Buffer): boolean {
    // Coalesce the smux frames written in one tick into as few data-channel messages as possible.
    this.outQueue.push(frame);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flushOut());
    }
    return this.channel.canSend();
  }

  private flushOut(): void {
    this.flushScheduled = false;
    const frames = this.outQueue;
    this.outQueue = [];
    if (frames.length === 0 || this.channel.currentState === 'closed') return;
    this.channel.send(PayloadType.Output, frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames));
  }

  private receive(payloadType: number, payload: Uint8Array): Delivery {
    if (payloadType === PayloadType.Flag) {
      if (parseFlag(payload) === PortFlag.ConnectToPortError) this.emit('connectError');
      return 'ok';
    }
    if (payloadType !== PayloadType.Output) return 'ok';
    // Until a local stream exists the plugin reports "not ready" and the agent resends (§5.2).
    return this.sink ? this.sink.write(payload) : 'not-ready';
  }
}

export interface PortForwarderOptions {
  /** Starts a port session (StartSession + DataChannel); called at listen() and when a session is lost for good. */
  open: () => Promise<PortSession>;
  host?: string;
  port?: number;
  /** Renewals tried in a row before giving up. */
  maxRenewals?: number;
}

type ForwarderEvents = {
  session: [PortSession];
  renewing: [ClosedEvent];
  closed: [Error | undefined];
};

/** A local listener on 127.0.0.1 kept across session renewals (the ~60 min recycle, §1.4). */
export class PortForwarder extends EventEmitter<ForwarderEvents> {
  private server: Server | undefined;
  private session: PortSession | undefined;
  private pendingSession: Promise<PortSession> | undefined;
  private closed = false;
  private failures = 0;

  constructor(private readonly opts: PortForwarderOptions) {
    super();
  }

  async listen(): Promise<number> {
    await this.ensureSession();
    this.server = createServer((socket) => void this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  private async accept(socket: Socket): Promise<void> {
    try {
      (await this.ensureSession()).handleSocket(socket);
    } catch {
      socket.destroy();
    }
  }

  private ensureSession(): Promise<PortSession> {
    if (this.session && this.session.channel.currentState !== 'closed') return Promise.resolve(this.session);
    if (this.pendingSession) return this.pendingSession;
    this.pendingSession = (async () => {
      try {
        const s = await this.opts.open();
        if (s.channel.currentState === 'connecting' && !s.mode) await s.start();
        this.failures = 0;
        this.session = s;
        s.once('end', (e) => {
          if (this.closed) return;
          if (e.reason === 'resume-refused' || e.reason === 'connection-lost') {
            this.emit('renewing', e);
            void this.ensureSession().catch(() => undefined);
          }
        });
        this.emit('session', s);
        return s;
      } catch (e) {
        this.failures++;
        if (this.failures >= (this.opts.maxRenewals ?? 5)) void this.close(e instanceof Error ? e : new Error(String(e)));
        throw e;
      } finally {
        this.pendingSession = undefined;
      }
    })();
    return this.pendingSession;
  }

  get currentSession(): PortSession | undefined {
    return this.session;
  }

  async close(err?: Error): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.server?.close(); // stop accepting; live connections end with the session
    if (this.session) await this.session.terminate().catch(() => undefined);
    this.emit('closed', err);
  }
}
