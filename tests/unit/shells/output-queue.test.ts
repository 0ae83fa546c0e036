import { describe, expect, it } from 'vitest';
import { OutputQueue } from '../../../main/core/shells/output-queue';

/** A writer whose writes complete only when the test says so, like credit from the renderer. */
function manualWriter() {
  const written: Buffer[] = [];
  const pending: Array<() => void> = [];
  const writer = (chunk: Uint8Array) =>
    new Promise<void>((resolve) => {
      written.push(Buffer.from(chunk));
      pending.push(resolve);
    });
  const releaseAll = async () => {
    while (pending.length) {
      pending.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { writer, written, pending, releaseAll };
}

describe('OutputQueue', () => {
  it('reports full at the high-water mark and drains below the low one', async () => {
    let drained = 0;
    const q = new OutputQueue({ highWater: 100, lowWater: 20, onDrain: () => drained++ });
    const w = manualWriter();
    q.attach(w.writer);
    for (let i = 0; i < 12; i++) q.push(Buffer.alloc(10, i));
    expect(q.full).toBe(true);
    await w.releaseAll();
    expect(q.full).toBe(false);
    expect(q.queuedBytes).toBe(0);
    expect(drained).toBe(1);
    expect(Buffer.concat(w.written).length).toBe(120);
  });

  it('holds output while nobody reads, and replays the tail from a line start to a new reader', async () => {
    const q = new OutputQueue({ tailBytes: 16 });
    q.push(Buffer.from('first line\r\n'));
    q.push(Buffer.from('second line\r\nthird\r\n'));
    const w = manualWriter();
    q.attach(w.writer);
    await w.releaseAll();
    expect(Buffer.concat(w.written).toString()).toBe('third\r\n');
  });

  it('a detached reader gets nothing more', async () => {
    const q = new OutputQueue();
    const w = manualWriter();
    q.attach(w.writer);
    q.detach(w.writer);
    q.push(Buffer.from('x'));
    await w.releaseAll();
    expect(w.written).toEqual([]);
    expect(q.queuedBytes).toBe(1);
  });
});
