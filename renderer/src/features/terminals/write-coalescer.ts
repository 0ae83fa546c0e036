/**
 * Feeds output to xterm: a chunk that finds xterm idle is written at once (a keystroke's echo
 * waits for nothing); chunks arriving while a write is still being parsed are collected and
 * written as one buffer when it completes, with one callback that completes them all. So under a
 * flood xterm gets a few large writes instead of thousands of small ones, and its own render
 * loop draws once per animation frame whatever was parsed. Completion callbacks are what grant
 * main more output, so backpressure follows xterm's parsing.
 */
export type Write = (data: Uint8Array, done: () => void) => void;

export class WriteCoalescer {
  private chunks: Uint8Array[] = [];
  private dones: Array<() => void> = [];
  private bytes = 0;
  private writing = false;

  constructor(private readonly write: Write) {}

  push(chunk: Uint8Array, done: () => void): void {
    this.chunks.push(chunk);
    this.dones.push(done);
    this.bytes += chunk.byteLength;
    if (!this.writing) this.flush();
  }

  /** Bytes waiting for the current write to complete. */
  get waitingBytes(): number {
    return this.bytes;
  }

  private flush(): void {
    if (this.chunks.length === 0) return;
    const data = this.chunks.length === 1 ? this.chunks[0]! : concat(this.chunks, this.bytes);
    const dones = this.dones;
    this.chunks = [];
    this.dones = [];
    this.bytes = 0;
    this.writing = true;
    this.write(data, () => {
      this.writing = false;
      for (const done of dones) done();
      this.flush();
    });
  }
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
