import { EventEmitter } from 'node:events';
import { createServer, isIP, type AddressInfo, type Server, type Socket } from 'node:net';
import { AppError } from '../errors';
import type { ClosedEvent, PortMode } from '../ssm/index';
import type { OpenedPortSession, PortSessionOpener } from './port-session-opener';
import { ThroughputMeter } from './throughput';
import { channelActivity, type SessionActivity } from '../countdown/activity';

/**
 * One tunnel: a local listener that stays bound while the sessions behind it come and go.
 * Accepted connections are spread over a small pool of port sessions:
 *  - mux agents: each session carries many connections (smux streams); a new session is added
 *    only when every session is busy and the pool has room, so parallel connections are not all
 *    held to one session's pacing;
 *  - basic agents: a session serves one connection at a time, so each connection gets an idle
 *    session or a new one.
 * A session that ends for good (resume refused after the ~60-minute recycle, connection lost)
 * is replaced in the background; the listener never closes until stop().
 */

export type TunnelState = 'starting' | 'listening' | 'reconnecting' | 'failed' | 'stopped';

export interface TunnelSettings {
  /** 127.0.0.1 unless the user chose otherwise. */
  bindAddress?: string;
  /** 0: a free port. */
  localPort?: number;
  /** Most sessions a mux tunnel spreads its connections over. */
  poolSize?: number;
  /** Most sessions a basic (old agent) tunnel opens at once, one per connection. */
  maxBasicSessions?: number;
  /** Replacement attempts back off up to this delay. */
  maxRetryDelayMs?: number;
}

export interface TunnelCounters {
  connectionsActive: number;
  connectionsTotal: number;
  connectionsFailed: number;
  bytesUp: number;
  bytesDown: number;
  /** Bytes per second, averaged over the last few seconds. */
  throughputUp: number;
  throughputDown: number;
  /** Socket resumes plus session replacements. */
  reconnects: number;
}

export interface TunnelSnapshot {
  state: TunnelState;
  bindAddress: string;
  localPort: number;
  mode: PortMode | null;
  sessions: number;
  counters: TunnelCounters;
  lastError: string | null;
  /** What lastError is about: the destination refused a connection, a session dropped, or one could not be opened. */
  lastErrorKind: TunnelErrorKind | null;
  lastErrorAt: number | null;
  /** When a local connection last reached a session (the UI says "connected" only after that). */
  lastConnectedAt: number | null;
  startedAt: number;
}

export type TunnelErrorKind = 'destination' | 'session' | 'open';

interface Slot {
  session: OpenedPortSession;
  active: number;
  reconnecting: boolean;
}

type Events = { change: []; stopped: [] };

export const DEFAULT_POOL_SIZE = 2;
export const MAX_POOL_SIZE = 8;
const DEFAULT_MAX_BASIC_SESSIONS = 16;

export class Tunnel extends EventEmitter<Events> {
  private server: Server | undefined;
  private readonly slots: Slot[] = [];
  private opening: Promise<Slot> | undefined;
  /** Sessions being opened right now (a burst of connections opens several at once, up to the pool size). */
  private inFlight = 0;
  private readonly sockets = new Set<Socket>();
  private closedBytesUp = 0;
  private closedBytesDown = 0;
  private counters = { connectionsTotal: 0, connectionsFailed: 0, reconnects: 0 };
  private lastError: string | null = null;
  private lastErrorKind: TunnelErrorKind | null = null;
  private lastErrorAt: number | null = null;
  private lastConnectedAt: number | null = null;
  private state: TunnelState = 'starting';
  private mode: PortMode | null = null;
  private boundPort = 0;
  private readonly startedAt = Date.now();
  private readonly meter = new ThroughputMeter();
  private meterTimer: NodeJS.Timeout | undefined;
  private warmTimer: NodeJS.Timeout | undefined;
  private warmFailures = 0;
  private readonly settings: Required<TunnelSettings>;

  constructor(
    private readonly open: PortSessionOpener,
    settings: TunnelSettings = {},
  ) {
    super();
    this.settings = {
      bindAddress: settings.bindAddress ?? '127.0.0.1',
      localPort: settings.localPort ?? 0,
      poolSize: Math.min(MAX_POOL_SIZE, Math.max(1, settings.poolSize ?? DEFAULT_POOL_SIZE)),
      maxBasicSessions: settings.maxBasicSessions ?? DEFAULT_MAX_BASIC_SESSIONS,
      maxRetryDelayMs: settings.maxRetryDelayMs ?? 30_000,
    };
  }

  /** Binds the listener, then opens the first session so a wrong target fails here, not on first use. */
  async start(): Promise<number> {
    const { bindAddress, localPort } = this.settings;
    if (isIP(bindAddress) === 0) throw new AppError('invalid-bind-address', `"${bindAddress}" is not an IP address.`, 'Use 127.0.0.1, or another address of this machine.');
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE')
          reject(new AppError('port-in-use', `Port ${localPort} on ${bindAddress} is already in use.`, 'Stop whatever holds it, choose another local port, or use an automatic port (0).'));
        else if (err.code === 'EACCES')
          reject(new AppError('port-not-allowed', `Not allowed to listen on port ${localPort}.`, 'Use a port above 1023, or an automatic port (0).'));
        else if (err.code === 'EADDRNOTAVAIL') reject(new AppError('invalid-bind-address', `${bindAddress} is not an address of this machine.`, 'Use 127.0.0.1.'));
        else reject(err);
      });
      server.listen(localPort, bindAddress, () => resolve());
    });
    server.on('error', (err) => this.fail(`listener error: ${err.message}`));
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    try {
      await this.openSlot();
    } catch (err) {
      server.close();
      this.server = undefined;
      this.state = 'failed';
      throw err;
    }
    this.state = 'listening';
    this.meterTimer = setInterval(() => this.sample(), 1000);
    this.meterTimer.unref();
    this.changed();
    return this.boundPort;
  }

  get port(): number {
    return this.boundPort;
  }

  snapshot(): TunnelSnapshot {
    let up = this.closedBytesUp;
    let down = this.closedBytesDown;
    for (const s of this.sockets) {
      up += s.bytesRead;
      down += s.bytesWritten;
    }
    const rate = this.meter.rate();
    return {
      state: this.state,
      bindAddress: this.settings.bindAddress,
      localPort: this.boundPort,
      mode: this.mode,
      sessions: this.slots.length,
      counters: {
        connectionsActive: this.sockets.size,
        connectionsTotal: this.counters.connectionsTotal,
        connectionsFailed: this.counters.connectionsFailed,
        bytesUp: up,
        bytesDown: down,
        throughputUp: rate.up,
        throughputDown: rate.down,
        reconnects: this.counters.reconnects,
      },
      lastError: this.lastError,
      lastErrorKind: this.lastErrorKind,
      lastErrorAt: this.lastErrorAt,
      lastConnectedAt: this.lastConnectedAt,
      startedAt: this.startedAt,
    };
  }

  /** Closes the listener and every session (TerminateSession each). */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    clearInterval(this.meterTimer);
    clearTimeout(this.warmTimer);
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const s of this.sockets) s.destroy();
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((slot) => slot.session.terminate()));
    await closed;
    this.changed();
    this.emit('stopped');
  }

  private sample(): void {
    const snap = this.snapshot();
    this.meter.add(snap.counters.bytesUp, snap.counters.bytesDown);
    if (this.sockets.size > 0 || snap.counters.throughputUp > 0 || snap.counters.throughputDown > 0) this.changed();
  }

  private changed(): void {
    this.emit('change');
  }

  private accept(socket: Socket): void {
    if (this.state === 'stopped') {
      socket.destroy();
      return;
    }
    this.counters.connectionsTotal++;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    let slot: Slot | undefined;
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.closedBytesUp += socket.bytesRead;
      this.closedBytesDown += socket.bytesWritten;
      if (slot) {
        slot.active--;
        this.trimIdleBasic(slot);
      }
      this.changed();
    });
    // No reads until a session takes the socket: its bytes wait in the kernel, not in a lost 'data' event.
    this.changed();
    this.slotFor()
      .then((chosen) => {
        if (socket.destroyed || this.state === 'stopped') return;
        slot = chosen;
        chosen.active++;
        this.lastConnectedAt = Date.now();
        chosen.session.port.handleSocket(socket);
      })
      .catch((err: unknown) => {
        this.counters.connectionsFailed++;
        this.noteError('open', err);
        socket.destroy();
        this.changed();
      });
  }

  /** The session a new connection goes to, opening one when the pool policy says so. */
  private async slotFor(): Promise<Slot> {
    const live = this.slots.filter((s) => s.session.port.channel.currentState !== 'closed');
    if (this.mode === 'basic') {
      const idle = live.find((s) => s.active === 0);
      if (idle) return idle;
      // Each waiting connection opens its own session: sharing one would queue them behind each other.
      if (live.length < this.settings.maxBasicSessions) return this.openSlot(false);
      return this.leastLoaded(live) ?? this.openSlot();
    }
    const least = this.leastLoaded(live);
    if (!least) return this.opening ?? this.openSlot();
    if (least.active === 0 || live.length + this.inFlight >= this.settings.poolSize) return least;
    // Every session is busy and the pool has room: a new session lifts the per-session pacing cap.
    try {
      return await this.openSlot(false);
    } catch {
      return least;
    }
  }

  /** The Session Manager sessions the tunnel holds now (one, or a pool's). */
  /** Each live session's start and traffic, for the countdowns and the keepalive. */
  activity(): SessionActivity[] {
    return this.slots.filter((s) => s.session.port.channel.currentState !== 'closed').map((s) => channelActivity(s.session.sessionId, s.session.port.channel));
  }

  sessionIds(): string[] {
    return this.slots.map((s) => s.session.sessionId);
  }

  private leastLoaded(slots: Slot[]): Slot | undefined {
    let best: Slot | undefined;
    for (const s of slots) if (!s.reconnecting && (!best || s.active < best.active)) best = s;
    return best ?? slots[0];
  }

  /** shared: callers arriving while a session opens get that same session (mux); basic callers open their own. */
  private openSlot(shared = true): Promise<Slot> {
    if (shared && this.opening) return this.opening;
    this.inFlight++;
    const opening = (async () => {
      const session = await this.open().finally(() => this.inFlight--);
      const slot: Slot = { session, active: 0, reconnecting: false };
      if (this.state === 'stopped') {
        await session.terminate();
        throw new AppError('tunnel-stopped', 'The tunnel was stopped.');
      }
      this.mode = session.port.mode ?? null;
      this.slots.push(slot);
      this.watch(slot);
      this.warmFailures = 0;
      if (this.state === 'reconnecting') this.state = 'listening';
      this.changed();
      return slot;
    })();
    if (!shared) return opening;
    this.opening = opening;
    const clear = () => {
      if (this.opening === opening) this.opening = undefined;
    };
    opening.then(clear, clear);
    return opening;
  }

  private watch(slot: Slot): void {
    const { port } = slot.session;
    port.channel.on('state', (e) => {
      if (e.state === 'reconnecting' && !slot.reconnecting) {
        slot.reconnecting = true;
        if (e.error) this.noteError('session', e.error);
        this.changed();
      } else if (e.state === 'open' && slot.reconnecting) {
        slot.reconnecting = false;
        this.counters.reconnects++;
        this.changed();
      }
    });
    port.on('connectError', () => {
      this.counters.connectionsFailed++;
      this.noteError('destination', 'The agent could not connect to the destination port; check that the service there is running.');
      this.changed();
    });
    port.once('end', (e) => this.onSessionEnd(slot, e));
  }

  private onSessionEnd(slot: Slot, e: ClosedEvent): void {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    if (this.state === 'stopped' || e.reason === 'local') return;
    this.counters.reconnects++;
    this.noteError('session', e.message || `session ended (${e.reason})`);
    void slot.session.terminate();
    if (this.slots.length === 0) {
      this.state = 'reconnecting';
      this.warmUp();
    }
    this.changed();
  }

  /** Keeps one session ready so the next connection does not wait; backs off while the target is unreachable. */
  private warmUp(): void {
    if (this.state === 'stopped' || this.warmTimer) return;
    const delay = this.warmFailures === 0 ? 0 : Math.min(this.settings.maxRetryDelayMs, 250 * 2 ** (this.warmFailures - 1));
    this.warmTimer = setTimeout(() => {
      this.warmTimer = undefined;
      if (this.state === 'stopped' || this.slots.length > 0) return;
      this.openSlot().catch((err: unknown) => {
        this.warmFailures++;
        this.noteError('open', err);
        this.changed();
        this.warmUp();
      });
    }, delay);
    this.warmTimer.unref();
  }

  /** Basic sessions hold an agent-side connection each; keep one idle, terminate the rest. */
  private trimIdleBasic(slot: Slot): void {
    if (this.mode !== 'basic' || slot.active > 0 || this.state === 'stopped') return;
    const idle = this.slots.filter((s) => s.active === 0);
    if (idle.length <= 1) return;
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    void slot.session.terminate();
  }

  private noteError(kind: TunnelErrorKind, err: unknown): void {
    this.lastError = err instanceof Error ? err.message : String(err);
    this.lastErrorKind = kind;
    this.lastErrorAt = Date.now();
  }

  private fail(message: string): void {
    this.noteError('open', message);
    this.state = 'failed';
    this.changed();
  }
}
