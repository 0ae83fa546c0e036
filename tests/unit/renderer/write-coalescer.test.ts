import { describe, expect, it } from 'vitest';
import { WriteCoalescer } from '../../../renderer/src/features/terminals/write-coalescer';

/** A stand-in for xterm.write whose parse completes only when the test says so. */
function fakeTerminal() {
  const writes: string[] = [];
  const pending: Array<() => void> = [];
  const write = (data: Uint8Array, done: () => void) => {
    writes.push(Buffer.from(data).toString());
    pending.push(done);
  };
  return { write, writes, finish: () => pending.shift()!() };
}

describe('WriteCoalescer', () => {
  it('writes a chunk at once when xterm is idle (an echo waits for nothing)', () => {
    const t = fakeTerminal();
    const c = new WriteCoalescer(t.write);
    let done = 0;
    c.push(Buffer.from('a'), () => done++);
    expect(t.writes).toEqual(['a']);
    t.finish();
    expect(done).toBe(1);
  });

  it('collects chunks while a write is parsing and writes them as one, completing each once', () => {
    const t = fakeTerminal();
    const c = new WriteCoalescer(t.write);
    const done: string[] = [];
    for (const s of ['a', 'b', 'c', 'd']) c.push(Buffer.from(s), () => done.push(s));
    expect(t.writes).toEqual(['a']);
    expect(c.waitingBytes).toBe(3);
    t.finish();
    expect(done).toEqual(['a']);
    expect(t.writes).toEqual(['a', 'bcd']);
    c.push(Buffer.from('e'), () => done.push('e'));
    t.finish();
    expect(done).toEqual(['a', 'b', 'c', 'd']);
    expect(t.writes).toEqual(['a', 'bcd', 'e']);
    t.finish();
    expect(done).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(c.waitingBytes).toBe(0);
  });
});
