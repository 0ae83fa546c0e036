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

  it('hands what piled up during a pending write to the next write as one chunk, at most 256 KB', async () => {
    const q = new OutputQueue({ highWater: 10 * 1024 * 1024 });
    const w = manualWriter();
    q.attach(w.writer);
    q.push(Buffer.from('a'));
    for (let i = 0; i < 100; i++) q.push(Buffer.alloc(4096, 98));
    await w.releaseAll();
    expect(w.written.map((c) => c.length)).toEqual([1, 64 * 4096, 36 * 4096]);
    expect(Buffer.concat(w.written).toString()).toBe(`a${'b'.repeat(100 * 4096)}`);
  });

  it('is overflowing only well past full (a reader told to stop may still hand over what it read)', () => {
    const q = new OutputQueue({ highWater: 100 });
    q.attach(manualWriter().writer);
    q.push(Buffer.alloc(100));
    expect([q.full, q.overflowing]).toEqual([true, false]);
    q.push(Buffer.alloc(299));
    expect(q.overflowing).toBe(false);
    q.push(Buffer.alloc(1));
    expect(q.overflowing).toBe(true);
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

  it('a detached reader gets nothing more; without a reader only the tail is kept, never a queue', async () => {
    const q = new OutputQueue({ highWater: 100, tailBytes: 1000 });
    const w = manualWriter();
    q.attach(w.writer);
    q.detach(w.writer);
    for (let i = 0; i < 50; i++) q.push(Buffer.from('0123456789'));
    await w.releaseAll();
    expect(w.written).toEqual([]);
    expect([q.queuedBytes, q.full]).toEqual([0, false]);
    const next = manualWriter();
    q.attach(next.writer);
    await next.releaseAll();
    expect(Buffer.concat(next.written).length).toBe(500);
  });
});
