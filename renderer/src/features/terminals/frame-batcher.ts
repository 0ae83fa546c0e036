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
 *  - A hidden tab (see `setShown`) draws nothing: it is fed in small writes, each when the page is
 *    idle, so under load it yields to the shown tab (whose echo must not queue behind it).
 *
 * Each chunk's `done` runs once xterm has parsed it: that returns the credit that lets main send
 * more, so backpressure follows xterm's parsing. xterm keeps its UTF-8 decoder between writes,
 * so a character split across chunks (or batches) comes out whole.
 */
export type Write = (data: Uint8Array, parsed: () => void) => void;
/** Runs `callback` once, at the next animation frame. */
export type RequestFrame = (callback: () => void) => void;
/** Runs `callback` once, when the page is idle; `late` when it waited its longest instead. */
export type RequestIdle = (callback: (late: boolean) => void) => void;

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
  private idleRequested = false;
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
    private readonly schedule: { frame: RequestFrame; idle: RequestIdle },
    options: FrameBatcherOptions = {},
  ) {
    this.maxWriteBytes = options.maxWriteBytes ?? 1024 * 1024;
    this.floodBytes = options.floodBytes ?? 16 * 1024;
    this.maxHeldFrames = options.maxHeldFrames ?? 5;
    this.hiddenWriteBytes = options.hiddenWriteBytes ?? 64 * 1024;
  }

  /**
   * Whether the tab is on screen. A shown tab is fed per frame in large writes; a hidden one
   * draws nothing, so it is fed in small writes when the page is idle: each is a short task, and
   * under load the shown tab's echo does not queue behind other tabs' floods.
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
    if (this.writing || this.frameRequested || this.idleRequested) return;
    if (this.shown) this.flush();
    else this.nextIdle();
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
    if (this.disposed || this.writing || this.bytes === 0) return;
    // The first frame after a flood's write always holds: while xterm parsed, the page could not
    // read more output, so nothing can have grown yet. Later frames hold only while more arrives.
    const growing = this.heldFrames === 0 || this.bytes > this.bytesAtLastFrame;
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
    this.schedule.frame(() => this.onFrame());
  }

  /** A hidden tab's next write waits for idle time. */
  private nextIdle(): void {
    this.idleRequested = true;
    this.schedule.idle((late) => {
      this.idleRequested = false;
      if (this.disposed || this.writing || this.bytes === 0) return;
      // Shown meanwhile: a full-size write. Idle time never came (a busy page, or a hidden one,
      // which gets little): a larger write so the tab keeps up, but not so large that four such
      // tabs at once would hold the shown tab's echo for long.
      this.flush(this.shown ? this.maxWriteBytes : late ? this.hiddenWriteBytes * 4 : this.hiddenWriteBytes);
    });
  }

  private flush(max = this.maxWriteBytes): void {
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
        if (this.bytes > 0) this.nextIdle();
        return;
      }
      // Output is waiting, or a flood is on: what arrives until the next frame goes out with it.
      // After a small write (an echo, a prompt) the tab is quiet again and the next byte goes at once.
      if (this.bytes > 0 || size >= this.floodBytes) this.nextFrame();
    });
  }
}

/** The browser's idle-time scheduler; after `timeoutMs` without idle time the callback runs late. */
export function idleTime(timeoutMs = 250): RequestIdle {
  return (callback) => requestIdleCallback((deadline) => callback(deadline.didTimeout), { timeout: timeoutMs });
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
