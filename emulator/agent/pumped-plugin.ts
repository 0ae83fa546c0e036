import { PayloadType } from '../../main/core/ssm/constants';
import { OutputPump } from './output-pump';
import { Deferred, type InputResult, type PluginContext, type PluginEnd, type SessionPlugin } from './plugin';

/**
 * What the shell and port plugins share: one output pump sending PayloadType 1, the end signal,
 * and the two ways to stop — finishing on their own (output drained first) or being cancelled
 * (output dropped). Subclasses say how to release their pty or sockets.
 */
export abstract class PumpedPlugin implements SessionPlugin {
  protected readonly pump: OutputPump;
  protected cancelled = false;
  private readonly end = new Deferred<PluginEnd>();
  private finishing = false;

  constructor(
    protected readonly ctx: PluginContext,
    options: { holdUtf8Tail: boolean },
  ) {
    this.pump = new OutputPump({ pace: ctx.pace, holdUtf8Tail: options.holdUtf8Tail, ...(ctx.readSize !== undefined ? { readSize: ctx.readSize } : {}), isActive: () => ctx.isActive(), send: (c) => ctx.send(PayloadType.Output, c) });
    ctx.onActive(() => this.pump.kick());
  }

  abstract start(): Promise<void>;
  abstract input(payloadType: number, payload: Uint8Array): InputResult;
  /** Close the pty / sockets. Called once when finishing or cancelled; may be called when already gone. */
  protected abstract release(): void;

  get done(): Promise<PluginEnd> {
    return this.end.promise;
  }

  flushed(): Promise<void> {
    return this.pump.drained();
  }

  /** Ends on the plugin's own account: release, send what is queued, then report. */
  protected async finish(end: PluginEnd): Promise<void> {
    if (this.finishing || this.cancelled) return;
    this.finishing = true;
    this.release();
    await this.pump.end();
    this.end.resolve(end);
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.pump.stop();
    this.release();
    this.end.resolve({ ok: true, reason: 'cancelled' });
  }
}
