/**
 * Feeds a tab's output to xterm the way xterm is fastest fed: few, large writes, at most one per
 * animation frame. xterm parses one write without yielding and draws once per animation frame
 * whatever was parsed, so every write under a flood costs a frame; writing what arrived during a
 * frame as one buffer draws about as many frames per megabyte as xterm fed 1 MB writes alone.
 *
 *  - Output that finds the tab quiet (no write parsing, none in the last frame) is written at
 *    once: a keystroke's echo waits for no frame.
 *  - After a write has been parsed, what arrives until the next animation frame is collected and
 *    written then, as one buffer (at most `maxWriteBytes`, so one write never holds the main
 *    thread longer than xterm's own 1 MB writes do; a larger chunk is split, the rest waits).
 *  - While a flood goes on (the last write was large and more keeps arriving), a small batch is
 *    held for up to `maxHeldFrames` more frames so that xterm parses big batches and draws less
 *    often; the screen still moves every few frames.
 *  - A hidden tab (see `setShown`) is fed without frames, in small writes.
 *
 * Each chunk's `done` runs once xterm has parsed it: that returns the credit that lets main send
 * more, so backpressure follows xterm's parsing. xterm keeps its UTF-8 decoder between writes,
 * so a character split across chunks (or batches) comes out whole.
 */
export type Write = (data: Uint8Array, parsed: () => void) => void;
/** Runs `callback` once, at the next animation frame. */
export type RequestFrame = (callback: () => void) => void;

export interface FrameBatcherOptions {
  /** Largest single write (whole chunks; one larger chunk is written alone). */
  maxWriteBytes?: number;
  /** A write at least this large means a flood: the next small batch may be held. */
  floodBytes?: number;
  /** How many frames a flood's batch may be held while it stays below `maxWriteBytes`. */
  maxHeldFrames?: number;
  /** Largest write while the tab is hidden (see `setShown`). */
  hiddenWriteBytes?: number;
}

export class FrameBatcher {
  private chunks: Uint8Array[] = [];
  private dones: Array<() => void> = [];
  private bytes = 0;
  private writing = false;
  private frameRequested = false;
  /** Size of the last write: large means a flood is going on. */
  private lastWriteBytes = 0;
  private heldFrames = 0;
  private bytesAtLastFrame = 0;
  private disposed = false;
  private shown = false;
  private readonly maxWriteBytes: number;
  private readonly hiddenWriteBytes: number;
  private readonly floodBytes: number;
  private readonly maxHeldFrames: number;

  constructor(
    private readonly write: Write,
    private readonly requestFrame: RequestFrame,
    options: FrameBatcherOptions = {},
  ) {
    this.maxWriteBytes = options.maxWriteBytes ?? 1024 * 1024;
    this.floodBytes = options.floodBytes ?? 16 * 1024;
    this.maxHeldFrames = options.maxHeldFrames ?? 3;
    this.hiddenWriteBytes = options.hiddenWriteBytes ?? 64 * 1024;
  }

  /**
   * Whether the tab is on screen. A shown tab is fed per frame in large writes; a hidden one
   * draws nothing, so it is fed as fast as xterm parses, in small writes: each is a short task,
   * and the shown tab's echo does not queue behind a megabyte of another tab's output.
   */
  setShown(shown: boolean): void {
    this.shown = shown;
  }

  push(chunk: Uint8Array, done: () => void): void {
    if (this.disposed) return;
    this.chunks.push(chunk);
    this.dones.push(done);
    this.bytes += chunk.byteLength;
    // Quiet tab: write at once. Otherwise the parse completion or the pending frame takes it.
    if (!this.writing && !this.frameRequested) this.flush();
  }

  /** Bytes collected and not yet handed to xterm. */
  get waitingBytes(): number {
    return this.bytes;
  }

  /** The tab closed: drop what waits and write nothing more (its credit no longer matters). */
  dispose(): void {
    this.disposed = true;
    this.chunks = [];
    this.dones = [];
    this.bytes = 0;
  }

  private onFrame(): void {
    this.frameRequested = false;
    if (this.disposed || this.bytes === 0) return;
    const growing = this.bytes > this.bytesAtLastFrame;
    if (this.shown && this.lastWriteBytes >= this.floodBytes && growing && this.bytes < this.maxWriteBytes && this.heldFrames < this.maxHeldFrames) {
      this.heldFrames++;
      this.bytesAtLastFrame = this.bytes;
      this.nextFrame();
      return;
    }
    this.flush();
  }

  private nextFrame(): void {
    this.frameRequested = true;
    this.requestFrame(() => this.onFrame());
  }

  private flush(): void {
    const max = this.shown ? this.maxWriteBytes : this.hiddenWriteBytes;
    const parts: Uint8Array[] = [];
    const dones: Array<() => void> = [];
    let size = 0;
    while (this.chunks.length > 0 && size < max) {
      const chunk = this.chunks[0]!;
      const room = max - size;
      if (chunk.byteLength > room) {
        // Split: the rest stays first in line, and its done waits for its last byte.
        parts.push(chunk.subarray(0, room));
        this.chunks[0] = chunk.subarray(room);
        size += room;
        break;
      }
      parts.push(this.chunks.shift()!);
      dones.push(this.dones.shift()!);
      size += chunk.byteLength;
    }
    this.bytes -= size;
    this.heldFrames = 0;
    this.bytesAtLastFrame = this.bytes;
    this.lastWriteBytes = size;
    this.writing = true;
    this.write(parts.length === 1 ? parts[0]! : concat(parts, size), () => {
      this.writing = false;
      for (const done of dones) done();
      if (this.disposed) return;
      if (!this.shown) {
        // A hidden tab draws nothing: no frame to wait for, the next small write goes at once
        // (xterm parses it in the same task while its 12 ms slice lasts).
        if (this.bytes > 0) this.flush();
        return;
      }
      // Output is waiting, or a flood is on: what arrives until the next frame goes out with it.
      // After a small write (an echo, a prompt) the tab is quiet again and the next byte goes at once.
      if (this.bytes > 0 || size >= this.floodBytes) this.nextFrame();
    });
  }
}

/**
 * The browser's frame scheduler, with a timer as a fallback: a hidden page (a minimised window)
 * gets no animation frames, and output must keep flowing there so the shell is not held up.
 */
export function animationFrame(fallbackMs = 100): RequestFrame {
  return (callback) => {
    let ran = false;
    const once = () => {
      if (ran) return;
      ran = true;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      callback();
    };
    const frame = requestAnimationFrame(once);
    const timer = setTimeout(once, fallbackMs);
  };
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
