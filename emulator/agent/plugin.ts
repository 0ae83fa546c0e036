import type { Pace } from './output-pump';

/**
 * The seam between the agent's data channel and what a session does (shell, command, port):
 * the agent's "session plugin" (spec §11.1 step 4). The channel hands in-order, decrypted client
 * payloads to `input`; the plugin sends through `PluginContext.send`.
 */

export type InputResult =
  /** Processed: the channel acks and advances. */
  | 'ok'
  /** Not ready yet (no pty, no stream): no ack, no advance; the client will resend (§5.2). */
  | 'not-ready';

export interface PluginEnd {
  /** False when the session failed (dial error, spawn error, handshake problem). */
  ok: boolean;
  reason?: string;
}

export interface PluginContext {
  pace: Pace;
  /** The largest output message, when not the pace's read size. */
  readSize?: number;
  /** Queues one stream message to the client (sequenced, retransmitted, encrypted if on). */
  send(payloadType: number, payload: Uint8Array): void;
  /** False while the channel is paused by pause_publication: pumps stop reading. */
  isActive(): boolean;
  /** Registers a callback for when the channel becomes active again. */
  onActive(listener: () => void): void;
  /** Client version from the HandshakeResponse ('' when there was no handshake). */
  clientVersion(): string;
}

export interface SessionPlugin {
  /** Opens the pty / starts the command / dials the port. Throwing fails the session. */
  start(): Promise<void>;
  input(payloadType: number, payload: Uint8Array): InputResult;
  /** Cancellation (TerminateSession, channel_closed, handshake failure): stop at once. */
  cancel(): void;
  /** Settles when the plugin ends on its own or after cancel(); all output queued by then. */
  readonly done: Promise<PluginEnd>;
  /** Resolves once every byte the plugin produced so far has been handed to `send`. */
  flushed(): Promise<void>;
}

export class Deferred<T> {
  readonly promise: Promise<T>;
  private settled = false;
  private resolveFn!: (value: T) => void;
  constructor() {
    this.promise = new Promise<T>((resolve) => {
      this.resolveFn = resolve;
    });
  }
  get isSettled(): boolean {
    return this.settled;
  }
  resolve(value: T): void {
    if (this.settled) return;
    this.settled = true;
    this.resolveFn(value);
  }
}
