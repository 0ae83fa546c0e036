import type { Writable } from 'node:stream';

/**
 * Holds a stream's writes until the end of the current tick, so a burst of small writes (one
 * data-channel frame or ack per 1 KiB message) leaves in one syscall instead of one each.
 *
 * How to use:
 *   const cork = new TickCork();
 *   cork.hold(socket); socket.write(a); socket.write(b);   // both flushed together next tick
 */
export class TickCork {
  private corked = false;

  hold(stream: Writable | undefined): void {
    if (this.corked || !stream || stream.destroyed) return;
    this.corked = true;
    stream.cork();
    process.nextTick(() => {
      this.corked = false;
      stream.uncork();
    });
  }
}
