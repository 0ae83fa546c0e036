import { randomBytes } from 'node:crypto';
import { STREAM_WINDOW_BYTES } from '../../preload/contract';

/** How a transport delivers one stream's output to the renderer. */
export interface StreamSink {
  data(chunk: Uint8Array): void;
  end(reason: string | null): void;
}

/**
 * Main's end of one binary stream. Output waits for credit the renderer grants as it consumes
 * (xterm's write callback), so the producer (a data channel) is paused instead of buffering
 * without bound. Input from the renderer arrives through `onInput`.
 */
export class MainStream {
  private credit = STREAM_WINDOW_BYTES;
  private sink: StreamSink | null = null;
  private readonly waiters: Array<() => void> = [];
  private readonly inputListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly closeListeners = new Set<(reason: string | null) => void>();
  private readonly detachListeners = new Set<() => void>();
  private endReason: string | null | undefined = undefined;
  /** Output written before a renderer attached; bounded by the credit window like everything else. */
  private readonly pending: Uint8Array[] = [];

  constructor(readonly id: string) {}

  get ended(): boolean {
    return this.endReason !== undefined;
  }

  /** Resolves once the chunk is handed to the transport within the credit window. */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.ended) return;
    while (this.credit <= 0 && !this.ended) await new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.ended) return;
    this.credit -= chunk.byteLength;
    if (this.sink) this.sink.data(chunk);
    else this.pending.push(chunk);
  }

  /** True when a write would not have to wait. */
  get writable(): boolean {
    return this.credit > 0 && !this.ended;
  }

  onInput(listener: (chunk: Uint8Array) => void): () => void {
    this.inputListeners.add(listener);
    return () => this.inputListeners.delete(listener);
  }

  /** The transport went away (window closed or reloaded); the stream stays for a new reader. */
  onDetach(listener: () => void): () => void {
    this.detachListeners.add(listener);
    return () => this.detachListeners.delete(listener);
  }

  onClose(listener: (reason: string | null) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Ends the stream from main's side (e.g. the shell exited). */
  end(reason: string | null = null): void {
    if (this.ended) return;
    this.endReason = reason;
    this.sink?.end(reason);
    this.releaseWaiters();
    for (const listener of this.closeListeners) listener(reason);
  }

  // --- transport side ---

  attach(sink: StreamSink): void {
    this.sink = sink;
    // A new reader starts with a fresh window: credit held by a reader that went away (a
    // reloaded page) would otherwise be lost and stall the stream for good.
    const pendingBytes = this.pending.reduce((sum, chunk) => sum + chunk.byteLength, 0);
    this.credit = STREAM_WINDOW_BYTES - pendingBytes;
    this.releaseWaiters();
    for (const chunk of this.pending.splice(0)) sink.data(chunk);
    if (this.endReason !== undefined) sink.end(this.endReason);
  }

  detach(sink: StreamSink): void {
    if (this.sink !== sink) return;
    this.sink = null;
    for (const listener of this.detachListeners) listener();
  }

  grant(bytes: number): void {
    if (!Number.isFinite(bytes) || bytes <= 0) return;
    this.credit = Math.min(this.credit + bytes, STREAM_WINDOW_BYTES);
    this.releaseWaiters();
  }

  input(chunk: Uint8Array): void {
    if (this.ended) return;
    for (const listener of this.inputListeners) listener(chunk);
  }

  /** The renderer closed the stream (tab closed). */
  closeFromRenderer(): void {
    this.end('closed by the window');
  }

  private releaseWaiters(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

export class StreamRegistry {
  private readonly streams = new Map<string, MainStream>();

  create(): MainStream {
    const id = `s${randomBytes(9).toString('hex')}`;
    const stream = new MainStream(id);
    this.streams.set(id, stream);
    stream.onClose(() => this.streams.delete(id));
    return stream;
  }

  get(id: string): MainStream | undefined {
    return this.streams.get(id);
  }

  closeAll(reason: string): void {
    for (const stream of [...this.streams.values()]) stream.end(reason);
  }
}
