/** Bytes per second over a sliding window of cumulative counter samples (one sample a second). */
export class ThroughputMeter {
  private readonly samples: Array<{ at: number; up: number; down: number }> = [];

  constructor(
    private readonly windowMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  add(up: number, down: number): void {
    const at = this.now();
    this.samples.push({ at, up, down });
    while (this.samples.length > 2 && at - (this.samples[0]?.at ?? at) > this.windowMs) this.samples.shift();
  }

  rate(): { up: number; down: number } {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at <= first.at) return { up: 0, down: 0 };
    const seconds = (last.at - first.at) / 1000;
    return { up: (last.up - first.up) / seconds, down: (last.down - first.down) / seconds };
  }
}
