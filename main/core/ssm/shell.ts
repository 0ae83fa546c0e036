/**
 * Shell-type sessions (Standard_Stream, InteractiveCommands, NonInteractiveCommands; spec §8)
 * on top of a DataChannel.
 *
 * How to use:
 *   const shell = new ShellSession(channel, { size: { cols: 120, rows: 40 } });
 *   shell.on('output', (text) => term.write(text));   // UTF-8, never splits a character
 *   shell.on('end', ({ exitCode, message }) => ...);  // exitCode only for NonInteractiveCommands
 *   await shell.start();                              // opens the channel
 *   shell.write('ls\r'); shell.resize({ cols: 100, rows: 30 });
 * 'data' gives the raw stdout bytes, 'stderr' the separated stderr text (PayloadType 11).
 */
import { EventEmitter } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import { PayloadType } from './constants';
import { buildSize, parseExitCode, type TerminalSize } from './payloads';
import type { DataChannel, ClosedEvent } from './datachannel';
import type { Delivery } from './reliability';

export interface ShellOptions {
  size: TerminalSize;
  /** A session already running (resumed after a restart): it may say nothing until typed at. */
  resumed?: boolean;
}
export interface ShellEnd {
  /** From PayloadType 12; undefined for interactive shells, which send none. */
  exitCode: number | undefined;
  reason: ClosedEvent['reason'];
  message: string;
}

type Events = {
  data: [Buffer];
  output: [string];
  stderr: [string];
  customerMessage: [string];
  end: [ShellEnd];
};

export class ShellSession extends EventEmitter<Events> {
  private size: TerminalSize;
  private sentSize: TerminalSize | undefined;
  private started = false;
  private exitCode: number | undefined;
  private readonly stdout = new StringDecoder('utf8');
  private readonly stderr = new StringDecoder('utf8');

  constructor(
    readonly channel: DataChannel,
    private readonly options: ShellOptions,
  ) {
    super();
    this.size = options.size;
    channel.setReceiver((p) => this.receive(p.payloadType, p.payload));
    channel.on('handshake', (info) => {
      if (info.customerMessage) this.emit('customerMessage', info.customerMessage);
      this.markStarted();
    });
    channel.on('closed', (e) => {
      const tail = this.stdout.end();
      if (tail) this.emit('output', tail);
      this.emit('end', { exitCode: this.exitCode, reason: e.reason, message: e.message });
    });
  }

  /** Opens the data channel. */
  async start(): Promise<void> {
    await this.channel.open();
    // A resumed shell has long finished its handshake and may stay silent: send the size now.
    if (this.options.resumed) this.markStarted();
  }

  /** Keystrokes / pasted text. Returns false when the channel window is full. */
  write(data: string | Uint8Array): boolean {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    return this.channel.send(PayloadType.Output, bytes);
  }

  /** Sends the size now if the session has started and it changed; otherwise on start. */
  resize(size: TerminalSize): void {
    this.size = { cols: Math.max(1, Math.floor(size.cols)), rows: Math.max(1, Math.floor(size.rows)) };
    if (this.started) this.sendSize();
  }

  close(): void {
    this.channel.close();
  }

  // The session type is known after HandshakeComplete, or (no handshake) at the first output;
  // only then is the size sent, as the agent would drop it during a pending handshake (§6.1, §8.1).
  private markStarted(): void {
    if (this.started) return;
    this.started = true;
    this.sendSize();
  }

  private sendSize(): void {
    const s = this.size;
    if (this.sentSize && this.sentSize.cols === s.cols && this.sentSize.rows === s.rows) return;
    this.sentSize = s;
    this.channel.send(PayloadType.Size, buildSize(s));
  }

  private receive(payloadType: number, payload: Uint8Array): Delivery {
    const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    switch (payloadType) {
      case PayloadType.StdErr: {
        const text = this.stderr.write(buf);
        if (text) this.emit('stderr', text);
        break;
      }
      case PayloadType.ExitCode:
        this.exitCode = parseExitCode(payload);
        break;
      default: {
        // Output, and anything else the plugin would print verbatim (§8.2).
        this.markStarted();
        this.emit('data', buf);
        const text = this.stdout.write(buf);
        if (text) this.emit('output', text);
      }
    }
    return 'ok';
  }
}
