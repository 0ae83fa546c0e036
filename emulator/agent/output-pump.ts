/**
 * The agent's read loop (spec §8.2, §13): take at most one read's worth of bytes from a source,
 * hold back a trailing incomplete UTF-8 sequence for the next message, send, pause 1 ms, repeat.
 * Sources push into the pump; the pump pauses them when its queue grows (so a fast `cat` cannot
 * balloon memory) and resumes them when it drains.
 */

export type Pace = 'faithful' | 'none';

/** The real agent reads 1024 bytes per iteration; 'none' reads as much as is queued, up to this. */
export const FAITHFUL_READ_SIZE = 1024;
export const UNPACED_READ_SIZE = 64 * 1024;
/**
 * Unpaced, a busy source (a PTY hands over one kernel buffer, ~4 KiB, per event-loop turn) is
 * gathered for a few turns before sending, so a flood leaves as 64 KiB messages rather than a
 * message (and a write, and an ack) per 4 KiB. A lone keystroke's echo is sent at once.
 */
const GATHER_AFTER = 2048;
const MAX_GATHER_TURNS = 16;
const HIGH_WATER = 256 * 1024;
const LOW_WATER = 64 * 1024;

/** Length of a trailing incomplete UTF-8 sequence at the end of `bytes` (0 when complete or invalid). */
export function incompleteUtf8Tail(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back] as number;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

export interface PumpSource {
  pause(): void;
  resume(): void;
}

export interface OutputPumpOptions {
  pace: Pace;
  /** Sends one message; resolves when the bytes have been handed to the channel. */
  send: (chunk: Buffer) => void;
  /** False while the channel is paused (pause_publication): the loop stops reading then. */
  isActive?: () => boolean;
  /** Bytes held back for UTF-8 (shell output only; port data is binary). */
  holdUtf8Tail: boolean;
  /** Largest payload; defaults to the pace's read size. */
  readSize?: number;
}

export class OutputPump {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private carry: Buffer = Buffer.alloc(0);
  private running = false;
  private ended = false;
  private sourcePaused = false;
  private source: PumpSource | undefined;
  private drainWaiters: Array<() => void> = [];
  private stopped = false;
  private readonly readSize: number;
  private lastSent = 0;

  constructor(private readonly options: OutputPumpOptions) {
    this.readSize = options.readSize ?? (options.pace === 'faithful' ? FAITHFUL_READ_SIZE : UNPACED_READ_SIZE);
  }

  attach(source: PumpSource): void {
    this.source = source;
  }

  /** True while the queue is over its high-water mark (a producer should wait for resume). */
  get congested(): boolean {
    return this.queued > HIGH_WATER;
  }

  push(data: Buffer | Uint8Array | string): void {
    if (this.stopped) return;
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (buf.length === 0) return;
    this.queue.push(buf);
    this.queued += buf.length;
    if (this.queued > HIGH_WATER && this.source && !this.sourcePaused) {
      this.sourcePaused = true;
      this.source.pause();
    }
    this.kick();
  }

  /** The source reached EOF: send what is left (including a held-back tail) and resolve. */
  end(): Promise<void> {
    this.ended = true;
    this.kick();
    return this.drained();
  }

  /** Resolves once everything queued so far has been sent. */
  drained(): Promise<void> {
    if (!this.running && this.queued === 0 && (this.carry.length === 0 || !this.ended)) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Discards everything and stops (session cancelled). */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.queued = 0;
    this.carry = Buffer.alloc(0);
    this.settle();
  }

  /** Called when the channel becomes active again after a pause. */
  kick(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    void this.loop();
  }

  private takeRead(): Buffer {
    const parts: Buffer[] = [];
    let want = this.readSize;
    while (want > 0 && this.queue.length > 0) {
      const head = this.queue[0] as Buffer;
      if (head.length <= want) {
        parts.push(head);
        this.queue.shift();
        want -= head.length;
      } else {
        parts.push(head.subarray(0, want));
        this.queue[0] = head.subarray(want);
        want = 0;
      }
    }
    const read = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    this.queued -= read.length;
    return read;
  }

  private async loop(): Promise<void> {
    try {
      while (!this.stopped) {
        if (this.options.pace === 'none' && this.lastSent >= GATHER_AFTER && this.queued > 0) await this.gather();
        if (this.options.isActive && !this.options.isActive()) break; // resumed by kick()
        if (this.queued === 0 && !(this.ended && this.carry.length > 0)) break;
        const read = this.takeRead();
        let chunk = this.carry.length ? Buffer.concat([this.carry, read]) : read;
        this.carry = Buffer.alloc(0);
        if (this.options.holdUtf8Tail && !(this.ended && this.queued === 0)) {
          const tail = incompleteUtf8Tail(chunk);
          if (tail > 0) {
            this.carry = Buffer.from(chunk.subarray(chunk.length - tail));
            chunk = chunk.subarray(0, chunk.length - tail);
          }
        }
        if (this.sourcePaused && this.queued < LOW_WATER && this.source) {
          this.sourcePaused = false;
          this.source.resume();
        }
        this.lastSent = chunk.length;
        if (chunk.length > 0) {
          this.options.send(chunk);
          await pause(this.options.pace);
        }
      }
    } finally {
      this.running = false;
      this.settle();
    }
  }

  /** Waits while a busy source keeps adding within each turn, up to one read's worth. */
  private async gather(): Promise<void> {
    for (let turn = 0; turn < MAX_GATHER_TURNS && this.queued < this.readSize && !this.ended && !this.stopped; turn++) {
      const before = this.queued;
      await pause('none');
      if (this.queued === before) return;
    }
  }

  private settle(): void {
    if (this.running) return;
    const idle = this.queued === 0 && (this.carry.length === 0 || !this.ended);
    if (!idle && !this.stopped) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }
}

/** The agent's 1 ms sleep after each send; 'none' only yields to the event loop. */
export function pause(pace: Pace): Promise<void> {
  return new Promise((resolve) => (pace === 'faithful' ? setTimeout(resolve, 1) : setImmediate(resolve)));
}
