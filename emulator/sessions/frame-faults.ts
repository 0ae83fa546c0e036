import type { FixtureFaults } from '../fixture';

/**
 * Per-direction frame mangling between the client socket and the agent (fixture faults
 * reorderRate / duplicateRate / delayRate + delayMs). Rates are read live on every frame so the
 * control API can switch them while a session runs.
 */

export interface FrameFaultCounters {
  reordered: number;
  duplicated: number;
  delayed: number;
}

export type RandomSource = () => number;

export class FaultyPipe {
  readonly counters: FrameFaultCounters = { reordered: 0, duplicated: 0, delayed: 0 };
  private held: Buffer | undefined;
  private heldTimer: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly faults: () => FixtureFaults,
    private readonly sink: (frame: Buffer) => void,
    private readonly random: RandomSource = Math.random,
  ) {}

  push(frame: Buffer): void {
    if (this.closed) return;
    const f = this.faults();
    if (f.delayRate > 0 && this.random() < f.delayRate) {
      this.counters.delayed++;
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.forward(frame, f);
      }, f.delayMs);
      this.timers.add(t);
      return;
    }
    this.forward(frame, f);
  }

  private forward(frame: Buffer, f: FixtureFaults): void {
    if (this.closed) return;
    if (this.held === undefined && f.reorderRate > 0 && this.random() < f.reorderRate) {
      // Hold this frame until the next one has gone out (a swap); flush it anyway if none comes.
      this.counters.reordered++;
      this.held = frame;
      this.heldTimer = setTimeout(() => this.releaseHeld(), Math.max(f.delayMs, 20));
      return;
    }
    this.emit(frame, f);
    this.releaseHeld();
  }

  private releaseHeld(): void {
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
    const held = this.held;
    this.held = undefined;
    if (held && !this.closed) this.emit(held, this.faults());
  }

  private emit(frame: Buffer, f: FixtureFaults): void {
    this.sink(frame);
    if (f.duplicateRate > 0 && this.random() < f.duplicateRate) {
      this.counters.duplicated++;
      this.sink(frame);
    }
  }

  /** Drops whatever is held or delayed: those frames were in flight on a socket that died. */
  close(): void {
    this.closed = true;
    if (this.heldTimer) clearTimeout(this.heldTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.held = undefined;
  }
}
