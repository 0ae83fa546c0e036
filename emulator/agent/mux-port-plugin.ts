import type { Socket } from 'node:net';
import { PayloadType, PortFlag } from '../../main/core/ssm/constants';
import { buildFlag, parseFlag } from '../../main/core/ssm/payloads';
import { SmuxSession, type SmuxStream } from '../../main/core/ssm/smux';
import { TickCork } from '../../main/core/ssm/tick-cork';
import { dial } from './destinations';
import type { InputResult, PluginContext } from './plugin';
import { PumpedPlugin } from './pumped-plugin';
import type { PortTarget } from './port-plugin';

/**
 * Multiplexed port forwarding (spec §9.5): the agent is the smux server. Client Output payloads
 * are slices of the smux byte stream; each accepted stream dials the destination, and a failed
 * dial is reported with Flag ConnectToPortError as its own stream message.
 */
export class MuxPortPlugin extends PumpedPlugin {
  private readonly mux: SmuxSession;
  private readonly sockets = new Set<Socket>();
  /** Streams accepted and dial failures, for tests. */
  readonly counts = { streams: 0, dialFailures: 0 };

  constructor(
    ctx: PluginContext,
    private readonly target: PortTarget,
    options: { keepAlive: boolean },
  ) {
    super(ctx, { holdUtf8Tail: false });
    this.mux = new SmuxSession({
      role: 'server',
      keepAlive: options.keepAlive,
      write: (frame) => {
        this.pump.push(frame);
        return !this.pump.congested;
      },
    });
    this.pump.attach({ pause: () => undefined, resume: () => this.mux.writable() });
    this.mux.on('stream', (stream: SmuxStream) => this.accept(stream));
    this.mux.on('error', (err: Error) => void this.finish({ ok: false, reason: `smux: ${err.message}` }));
    this.mux.on('close', () => void this.finish({ ok: true, reason: 'smux session closed' }));
  }

  async start(): Promise<void> {
    // Nothing to dial yet: every smux stream dials on its own.
  }

  private accept(stream: SmuxStream): void {
    this.counts.streams++;
    stream.on('error', () => stream.destroy());
    dial(this.target.instance, this.target.host, this.target.portNumber).then(
      (socket) => {
        if (this.cancelled || stream.destroyed) return socket.destroy();
        this.sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => {
          this.sockets.delete(socket);
          stream.destroy();
        });
        stream.on('close', () => socket.destroy());
        // Either direction ending closes both, as the agent's two copy loops do.
        socket.pipe(stream);
        // One 1 KiB client message is one smux frame: hold the writes of a tick together, as the
        // agent's buffered copy loop would, instead of a syscall per frame.
        const cork = new TickCork();
        stream.on('data', () => cork.hold(socket));
        stream.pipe(socket);
      },
      () => {
        this.counts.dialFailures++;
        this.ctx.send(PayloadType.Flag, buildFlag(PortFlag.ConnectToPortError));
        stream.destroy();
      },
    );
  }

  input(payloadType: number, payload: Uint8Array): InputResult {
    if (payloadType === PayloadType.Flag) {
      if (parseFlag(payload) === PortFlag.TerminateSession) void this.finish({ ok: true, reason: 'client sent TerminateSession' });
      return 'ok';
    }
    if (payloadType !== PayloadType.Output) return 'ok';
    // smux receive budget exhausted: refuse, the client resends once readers caught up (§9.6).
    if (!this.mux.canAccept()) return 'not-ready';
    this.mux.input(payload);
    return 'ok';
  }

  protected release(): void {
    for (const s of this.sockets) s.destroy();
    this.mux.close();
  }
}
