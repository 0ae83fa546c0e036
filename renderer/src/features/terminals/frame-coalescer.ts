/**
 * Collects output chunks and hands them over once per animation frame as one buffer, with one
 * callback that completes every chunk in it. A timer backs up requestAnimationFrame, which a
 * hidden or minimised window does not run, so output (and the credit it frees) never stalls.
 */
export class FrameCoalescer {
  private chunks: Uint8Array[] = [];
  private dones: Array<() => void> = [];
  private bytes = 0;
  private scheduled = false;

  constructor(
    private readonly flushTo: (data: Uint8Array, done: () => void) => void,
    private readonly fallbackMs = 50,
  ) {}

  push(chunk: Uint8Array, done: () => void): void {
    this.chunks.push(chunk);
    this.dones.push(done);
    this.bytes += chunk.byteLength;
    if (this.scheduled) return;
    this.scheduled = true;
    let fired = false;
    const run = () => {
      if (fired) return;
      fired = true;
      this.flush();
    };
    requestAnimationFrame(run);
    setTimeout(run, this.fallbackMs);
  }

  private flush(): void {
    this.scheduled = false;
    const chunks = this.chunks;
    const dones = this.dones;
    const size = this.bytes;
    this.chunks = [];
    this.dones = [];
    this.bytes = 0;
    if (chunks.length === 0) return;
    let data: Uint8Array;
    if (chunks.length === 1) data = chunks[0]!;
    else {
      data = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) {
        data.set(c, at);
        at += c.byteLength;
      }
    }
    this.flushTo(data, () => dones.forEach((d) => d()));
  }
}
