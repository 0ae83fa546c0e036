/**
 * Shell output on its way to whoever shows it. The writer's promise is the backpressure: it
 * resolves once the renderer granted credit (xterm consumed the bytes). Above `highWater`
 * queued bytes the queue reports itself full, and the shell stops accepting data from the data
 * channel, which stops acknowledging, which stops the agent. So memory stays bounded end to end.
 * A bounded tail is kept so a renderer that attaches again (a reloaded window) gets its screen back.
 */
const BATCH_BYTES = 256 * 1024;

export type OutputWriter = (chunk: Uint8Array) => Promise<void>;

export interface OutputQueueOptions {
  highWater?: number;
  lowWater?: number;
  tailBytes?: number;
  /** Called when a full queue drained below the low-water mark. */
  onDrain?: () => void;
}

export class OutputQueue {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private readonly tail: Buffer[] = [];
  private tailSize = 0;
  private writer: OutputWriter | undefined;
  private pumping = false;
  private wasFull = false;
  private readonly highWater: number;
  private readonly lowWater: number;
  private readonly tailBytes: number;

  constructor(private readonly options: OutputQueueOptions = {}) {
    this.highWater = options.highWater ?? 1024 * 1024;
    this.lowWater = options.lowWater ?? this.highWater / 4;
    this.tailBytes = options.tailBytes ?? 256 * 1024;
  }

  get full(): boolean {
    if (this.queued >= this.highWater) this.wasFull = true;
    return this.queued >= this.highWater;
  }
  /**
   * Well past full: refuse more. A reader told to stop at `full` (a paused socket) may still
   * hand over what it had already read; this bound catches a reader that does not stop.
   */
  get overflowing(): boolean {
    return this.full && this.queued >= this.highWater * 4;
  }
  get queuedBytes(): number {
    return this.queued;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.remember(chunk);
    // Nobody reads (the window is closed): the tail is all a new reader will get, so the shell
    // keeps running at full speed instead of being held up by a queue nobody drains.
    if (!this.writer) return;
    this.queue.push(chunk);
    this.queued += chunk.length;
    void this.pump();
  }

  /**
   * A new reader: it starts from the kept tail (from a line start, so it does not begin inside
   * an escape sequence more often than it must); anything queued for the old one is in that tail.
   */
  attach(writer: OutputWriter): void {
    this.writer = writer;
    this.queue.length = 0;
    const tail = Buffer.concat(this.tail);
    const firstLine = this.tailSize >= this.tailBytes ? tail.indexOf(0x0a) + 1 : 0;
    const replay = tail.subarray(firstLine);
    this.queued = replay.length;
    if (replay.length) this.queue.push(replay);
    void this.pump();
  }

  /**
   * The reader went away (window closed): what was queued for it is dropped (a new reader starts
   * from the tail), so a full queue drains at once and the shell is not held up by nobody.
   */
  detach(writer: OutputWriter): void {
    if (this.writer !== writer) return;
    this.writer = undefined;
    this.queue.length = 0;
    this.queued = 0;
    if (this.wasFull) {
      this.wasFull = false;
      this.options.onDrain?.();
    }
  }

  private remember(chunk: Buffer): void {
    this.tail.push(chunk);
    this.tailSize += chunk.length;
    while (this.tail.length > 1 && this.tailSize - this.tail[0]!.length >= this.tailBytes) {
      this.tailSize -= this.tail.shift()!.length;
    }
  }

  /**
   * Everything queued, up to BATCH_BYTES, as one chunk: output piles up while the reader has no
   * credit, and one large write costs the transport and xterm far less than many small ones
   * (the agent sends 1 KB messages).
   */
  private takeBatch(): Buffer {
    let count = 0;
    let size = 0;
    while (count < this.queue.length && (count === 0 || size + this.queue[count]!.length <= BATCH_BYTES)) size += this.queue[count++]!.length;
    const parts = this.queue.splice(0, count);
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.writer && this.queue.length) {
        const writer = this.writer;
        const chunk = this.takeBatch();
        await writer(chunk);
        // attach() may have replaced the queue while we waited; it recounted queued bytes then.
        if (this.writer === writer) this.queued = Math.max(0, this.queued - chunk.length);
        if (this.wasFull && this.queued <= this.lowWater) {
          this.wasFull = false;
          this.options.onDrain?.();
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}
