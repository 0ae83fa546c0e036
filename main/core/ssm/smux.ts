/**
 * smux protocol version 1 (spec §9.5, §9.6), both roles, with Node Duplex streams.
 *
 * How to use (client, as the port session does):
 *   const mux = new SmuxSession({ role: 'client', write: (bytes) => channel.write(bytes) });
 *   channel.onData((payload) => mux.input(payload));     // byte slices in order, any split
 *   const stream = mux.openStream();                     // ids 3, 5, 7, ...
 *   socket.pipe(stream).pipe(socket);
 * Server (the emulator's fake agent): `new SmuxSession({ role: 'server', write })` and
 * `mux.on('stream', (s) => ...)`.
 *
 * Backpressure: `write` may return false; streams then hold their write callbacks until the
 * owner calls `mux.writable()`. Incoming: `canAccept()` turns false once unread stream data
 * reaches maxReceiveBuffer (the caller should then refuse data-channel messages, which the peer
 * resends); the session emits 'receive-ready' when readers drained it.
 * Events: 'stream' (server accept), 'error' (ProtocolError, session is closed after), 'close'.
 */
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { ProtocolError } from './errors';

export const SMUX_VERSION = 1;
export const SmuxCmd = { SYN: 0, FIN: 1, PSH: 2, NOP: 3 } as const;
export const SMUX_HEADER = 8;
export const SMUX_DEFAULTS = {
  maxFrameSize: 32768,
  maxReceiveBuffer: 4 * 1024 * 1024,
  keepAliveIntervalMs: 10_000,
  keepAliveTimeoutMs: 30_000,
} as const;

export interface SmuxOptions {
  role: 'client' | 'server';
  /** Hand encoded frames to the transport; return false to apply backpressure. */
  write: (frame: Buffer) => boolean | void;
  /** NOPs every keepAliveIntervalMs and a dead-peer check; off unless the §9.5 version gates say so. */
  keepAlive?: boolean;
  maxFrameSize?: number;
  maxReceiveBuffer?: number;
  keepAliveIntervalMs?: number;
  keepAliveTimeoutMs?: number;
  /** Last id already used; the next opened stream gets +2. Default 1 (client) / 0 (server). */
  initialStreamId?: number;
}

/** Encodes one smux v1 frame header (+ data) into a single buffer. */
export function encodeSmuxFrame(cmd: number, streamId: number, data?: Uint8Array): Buffer {
  const len = data?.length ?? 0;
  const buf = Buffer.allocUnsafe(SMUX_HEADER + len);
  buf[0] = SMUX_VERSION;
  buf[1] = cmd;
  buf.writeUInt16LE(len, 2);
  buf.writeUInt32LE(streamId >>> 0, 4);
  if (data && len > 0) buf.set(data, SMUX_HEADER);
  return buf;
}

export class SmuxStream extends Duplex {
  private finSent = false;
  private finReceived = false;

  constructor(
    readonly id: number,
    private readonly session: SmuxSession,
  ) {
    super({ allowHalfOpen: true });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.finSent) {
      cb(new Error(`smux stream ${this.id} is closed for writing`));
      return;
    }
    this.session.sendData(this.id, chunk, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.sendFin();
    cb();
  }

  override _read(): void {
    this.session.readerPulled();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.sendFin();
    this.session.forget(this.id);
    cb(err);
  }

  /** @internal */
  sendFin(): void {
    if (this.finSent || this.session.isClosed) return;
    this.finSent = true;
    this.session.sendFrame(SmuxCmd.FIN, this.id);
    if (this.finReceived) this.session.forget(this.id);
  }

  /** @internal */
  remoteFin(): void {
    if (this.finReceived) return;
    this.finReceived = true;
    this.push(null);
    if (this.finSent) this.session.forget(this.id);
  }
}

type PendingWrite = { frames: Buffer[]; cb: (err?: Error | null) => void };

export class SmuxSession extends EventEmitter {
  private readonly opts: Required<Omit<SmuxOptions, 'initialStreamId'>>;
  private readonly streams = new Map<number, SmuxStream>();
  private nextId: number;
  private closed = false;
  // incremental frame parser state
  private readonly header = Buffer.alloc(SMUX_HEADER);
  private headerFill = 0;
  private dataLeft = 0;
  private dataSid = 0;
  // write-side backpressure
  private blocked = false;
  private readonly pendingWrites: PendingWrite[] = [];
  private receiveBlocked = false;
  private lastReceive = Date.now();
  private timers: NodeJS.Timeout[] = [];

  constructor(options: SmuxOptions) {
    super();
    this.opts = { ...SMUX_DEFAULTS, keepAlive: false, ...options } as Required<Omit<SmuxOptions, 'initialStreamId'>>;
    this.nextId = options.initialStreamId ?? (options.role === 'client' ? 1 : 0);
    if (this.opts.maxFrameSize < 1 || this.opts.maxFrameSize > 0xffff) throw new RangeError('smux maxFrameSize must be 1..65535');
    if (this.opts.keepAlive) this.startKeepAlive();
  }

  get isClosed(): boolean {
    return this.closed;
  }
  get streamCount(): number {
    return this.streams.size;
  }

  /** Open a new stream (SYN). Throws when stream ids are exhausted ("go away") or the session is closed. */
  openStream(): SmuxStream {
    if (this.closed) throw new Error('smux session is closed; start a new port session');
    const id = this.nextId + 2;
    if (id > 0xffffffff) throw new ProtocolError('SMUX_PROTOCOL', 'smux stream ids exhausted (go away); start a new port session');
    this.nextId = id;
    const stream = new SmuxStream(id, this);
    this.streams.set(id, stream);
    this.sendFrame(SmuxCmd.SYN, id);
    return stream;
  }

  /** Total unread bytes buffered in streams. */
  bufferedBytes(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.readableLength;
    return n;
  }

  /** False while unread data has reached maxReceiveBuffer: stop feeding input(). */
  canAccept(): boolean {
    const ok = this.bufferedBytes() < this.opts.maxReceiveBuffer;
    if (!ok) this.receiveBlocked = true;
    return ok;
  }

  /** @internal a stream reader wants more */
  readerPulled(): void {
    if (this.receiveBlocked && this.bufferedBytes() < this.opts.maxReceiveBuffer) {
      this.receiveBlocked = false;
      this.emit('receive-ready');
    }
  }

  /** Feed the next slice of the peer's smux byte stream. */
  input(bytes: Uint8Array): void {
    if (this.closed) return;
    this.lastReceive = Date.now();
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let off = 0;
    try {
      while (off < buf.length) {
        if (this.dataLeft > 0) {
          const n = Math.min(this.dataLeft, buf.length - off);
          this.streams.get(this.dataSid)?.push(buf.subarray(off, off + n)); // unknown sid: discarded
          off += n;
          this.dataLeft -= n;
          continue;
        }
        const n = Math.min(SMUX_HEADER - this.headerFill, buf.length - off);
        buf.copy(this.header, this.headerFill, off, off + n);
        this.headerFill += n;
        off += n;
        if (this.headerFill === SMUX_HEADER) {
          this.headerFill = 0;
          this.handleHeader();
        }
      }
    } catch (e) {
      this.fail(e instanceof ProtocolError ? e : new ProtocolError('SMUX_PROTOCOL', String(e)));
    }
  }

  private handleHeader(): void {
    const h = this.header;
    const version = h[0] as number;
    const cmd = h[1] as number;
    const len = h.readUInt16LE(2);
    const sid = h.readUInt32LE(4);
    if (version !== SMUX_VERSION) throw new ProtocolError('SMUX_PROTOCOL', `smux frame version ${version}; only version 1 is spoken here`);
    switch (cmd) {
      case SmuxCmd.PSH:
        this.dataLeft = len;
        this.dataSid = sid;
        return;
      case SmuxCmd.NOP:
      case SmuxCmd.SYN:
      case SmuxCmd.FIN:
        if (len !== 0) throw new ProtocolError('SMUX_PROTOCOL', `smux cmd ${cmd} with ${len} data bytes`);
        break;
      default:
        throw new ProtocolError('SMUX_PROTOCOL', `unknown smux cmd ${cmd} in version 1`);
    }
    if (cmd === SmuxCmd.SYN) {
      if (this.streams.has(sid)) return; // duplicate SYN ignored
      const stream = new SmuxStream(sid, this);
      this.streams.set(sid, stream);
      this.emit('stream', stream);
    } else if (cmd === SmuxCmd.FIN) {
      this.streams.get(sid)?.remoteFin();
    }
  }

  /** @internal */
  sendFrame(cmd: number, sid: number): void {
    this.writeFrames([encodeSmuxFrame(cmd, sid)], () => undefined);
  }

  /** @internal split into ≤ maxFrameSize PSH frames */
  sendData(sid: number, chunk: Buffer, cb: (err?: Error | null) => void): void {
    if (this.closed) {
      cb(new Error('smux session is closed'));
      return;
    }
    const frames: Buffer[] = [];
    for (let off = 0; off < chunk.length; off += this.opts.maxFrameSize) {
      frames.push(encodeSmuxFrame(SmuxCmd.PSH, sid, chunk.subarray(off, Math.min(chunk.length, off + this.opts.maxFrameSize))));
    }
    if (frames.length === 0) {
      cb();
      return;
    }
    this.writeFrames(frames, cb);
  }

  private writeFrames(frames: Buffer[], cb: (err?: Error | null) => void): void {
    if (this.closed) {
      cb();
      return;
    }
    if (this.blocked) {
      this.pendingWrites.push({ frames, cb });
      return;
    }
    let ok = true;
    for (const f of frames) ok = this.opts.write(f) !== false && ok;
    if (ok) cb();
    else {
      this.blocked = true;
      this.pendingWrites.push({ frames: [], cb });
    }
  }

  /** The transport can take more: flush writes held back by backpressure. */
  writable(): void {
    if (!this.blocked) return;
    this.blocked = false;
    while (this.pendingWrites.length > 0 && !this.blocked) {
      const w = this.pendingWrites.shift() as PendingWrite;
      this.writeFrames(w.frames, w.cb);
    }
  }

  /** @internal */
  forget(id: number): void {
    this.streams.delete(id);
  }

  private startKeepAlive(): void {
    const ping = setInterval(() => this.sendFrame(SmuxCmd.NOP, 0), this.opts.keepAliveIntervalMs);
    const check = setInterval(() => {
      if (Date.now() - this.lastReceive >= this.opts.keepAliveTimeoutMs) this.fail(new ProtocolError('SMUX_PROTOCOL', 'smux keepalive timeout: no frame from the peer'));
    }, this.opts.keepAliveTimeoutMs);
    ping.unref();
    check.unref();
    this.timers.push(ping, check);
  }

  private fail(err: ProtocolError): void {
    if (this.closed) return;
    // An unobserved 'error' would throw out of input(); owners that care listen for it.
    if (this.listenerCount('error') > 0) this.emit('error', err);
    this.close();
  }

  /** Close the session: every stream is destroyed (streams see 'close', not 'error'). */
  close(): void {
    if (this.closed) return;
    for (const t of this.timers) clearInterval(t);
    const streams = [...this.streams.values()];
    this.closed = true;
    this.streams.clear();
    for (const s of streams) s.destroy();
    for (const w of this.pendingWrites.splice(0)) w.cb(new Error('smux session closed'));
    this.emit('close');
  }
}
