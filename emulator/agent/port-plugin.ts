import type { Socket } from 'node:net';
import type { FixtureInstance } from '../fixture';
import { PayloadType, PortFlag } from '../../main/core/ssm/constants';
import { parseFlag } from '../../main/core/ssm/payloads';
import { dial } from './destinations';
import type { InputResult, PluginContext } from './plugin';
import { PumpedPlugin } from './pumped-plugin';

/**
 * Port sessions in basic and stdio mode (spec §9.3, §9.4): one TCP connection to the destination,
 * its bytes as PayloadType 1 both ways. Basic mode re-dials on the next client data after the
 * destination closed or the client sent DisconnectToPort, and never tells the client; stdio mode
 * ends the session on destination EOF.
 */

export interface PortTarget {
  instance: FixtureInstance;
  host: string | undefined;
  portNumber: string;
}

export class SinglePortPlugin extends PumpedPlugin {
  private socket: Socket | undefined;
  /** Client data that arrived while (re-)dialing, written once connected, in order. */
  private pendingWrites: Buffer[] | undefined;
  private started = false;

  constructor(
    ctx: PluginContext,
    private readonly target: PortTarget,
    private readonly mode: 'basic' | 'stdio',
  ) {
    super(ctx, { holdUtf8Tail: false });
  }

  async start(): Promise<void> {
    // Both modes dial at session start; failure ends the session (§9.4).
    this.adopt(await dial(this.target.instance, this.target.host, this.target.portNumber));
    this.started = true;
  }

  private adopt(socket: Socket): void {
    this.socket = socket;
    this.pump.attach({ pause: () => socket.pause(), resume: () => socket.resume() });
    socket.on('data', (d: Buffer) => this.pump.push(d));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      if (this.mode === 'stdio' && !this.cancelled) void this.finish({ ok: true, reason: 'destination closed the connection' });
    });
  }

  private redialAndWrite(data: Buffer): void {
    if (this.pendingWrites) {
      this.pendingWrites.push(data);
      return;
    }
    this.pendingWrites = [data];
    dial(this.target.instance, this.target.host, this.target.portNumber).then(
      (socket) => {
        const queued = this.pendingWrites ?? [];
        this.pendingWrites = undefined;
        if (this.cancelled) return socket.destroy();
        this.adopt(socket);
        for (const chunk of queued) socket.write(chunk);
      },
      () => {
        // The agent logs the failed re-dial and drops the data; the client is not told (§9.4).
        this.pendingWrites = undefined;
      },
    );
  }

  input(payloadType: number, payload: Uint8Array): InputResult {
    if (!this.started) return 'not-ready';
    if (payloadType === PayloadType.Flag) {
      const flag = parseFlag(payload);
      if (flag === PortFlag.TerminateSession) void this.finish({ ok: true, reason: 'client sent TerminateSession' });
      else if (flag === PortFlag.DisconnectToPort && this.mode === 'basic') {
        this.socket?.destroy();
        this.socket = undefined;
      }
      return 'ok';
    }
    if (payloadType !== PayloadType.Output) return 'ok';
    const data = Buffer.from(payload);
    if (this.socket && !this.socket.destroyed) this.socket.write(data);
    else if (this.mode === 'basic') this.redialAndWrite(data);
    return 'ok';
  }

  protected release(): void {
    this.socket?.destroy();
  }
}
