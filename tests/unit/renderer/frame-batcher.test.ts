import { describe, expect, it } from 'vitest';
import { FrameBatcher, type FrameBatcherOptions } from '../../../renderer/src/features/terminals/frame-batcher';

/**
 * A stand-in for xterm.write whose parse completes only when the test says so, and a frame
 * scheduler whose frames come only when the test says so: no timers, no sleeps.
 */
function harness(options: FrameBatcherOptions = {}, shown = true) {
  const writes: Uint8Array[] = [];
  const parsing: Array<() => void> = [];
  let frames: Array<() => void> = [];
  let idles: Array<(late: boolean) => void> = [];
  const batcher = new FrameBatcher(
    (data, parsed) => {
      writes.push(data);
      parsing.push(parsed);
    },
    { frame: (callback) => frames.push(callback), idle: (callback) => idles.push(callback) },
    options,
  );
  batcher.setShown(shown);
  const done: string[] = [];
  return {
    batcher,
    writes,
    done,
    text: () => writes.map((w) => Buffer.from(w).toString()),
    push: (s: string | Buffer) => {
      const chunk = typeof s === 'string' ? Buffer.from(s) : s;
      batcher.push(chunk, () => done.push(typeof s === 'string' ? s : `${chunk.byteLength}B`));
    },
    parse: () => parsing.shift()!(),
    get parsing() {
      return parsing.length;
    },
    get framesWaiting() {
      return frames.length;
    },
    frame: () => {
      const due = frames;
      frames = [];
      for (const f of due) f();
    },
    get idlesWaiting() {
      return idles.length;
    },
    idle: (late = false) => {
      const due = idles;
      idles = [];
      for (const f of due) f(late);
    },
  };
}

const big = (n: number, fill = 0x61) => Buffer.alloc(n, fill);

describe('FrameBatcher', () => {
  it('writes output that finds the tab quiet at once, and stays quiet after a small write (an echo waits for no frame)', () => {
    const t = harness();
    t.push('a');
    expect(t.text()).toEqual(['a']);
    t.parse();
    expect(t.done).toEqual(['a']);
    expect(t.framesWaiting).toBe(0);
    t.push('b');
    expect(t.text()).toEqual(['a', 'b']);
  });

  it('collects what arrives while a write parses and writes it as one buffer at the next frame', () => {
    const t = harness();
    t.push('a');
    for (const s of ['b', 'c', 'd']) t.push(s);
    expect(t.text()).toEqual(['a']);
    expect(t.batcher.waitingBytes).toBe(3);
    t.parse();
    expect(t.done).toEqual(['a']);
    // Parsed, but the batch waits for the frame (xterm draws what it parsed first).
    expect(t.text()).toEqual(['a']);
    t.push('e');
    t.frame();
    expect(t.text()).toEqual(['a', 'bcde']);
    expect(t.batcher.waitingBytes).toBe(0);
    t.parse();
    expect(t.done).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('never has two writes parsing at once, and keeps the bytes in order', () => {
    const t = harness({ floodBytes: 4, maxHeldFrames: 0 });
    const sent: string[] = [];
    for (let i = 0; i < 50; i++) {
      const s = `<${i}>`;
      sent.push(s);
      t.push(s);
      expect(t.parsing).toBeLessThanOrEqual(1);
      if (i % 3 === 0 && t.parsing) t.parse();
      if (i % 5 === 0) t.frame();
    }
    while (t.parsing || t.framesWaiting) {
      if (t.parsing) t.parse();
      else t.frame();
    }
    expect(t.text().join('')).toBe(sent.join(''));
    expect(t.done).toEqual(sent);
  });

  it('after a large write, batches until the next frame even when nothing is waiting, and holds a batch only while it grows', () => {
    const t = harness({ floodBytes: 8 });
    t.push(big(8));
    t.parse();
    expect(t.framesWaiting).toBe(1);
    t.push('x');
    t.push('y');
    expect(t.writes).toHaveLength(1);
    t.frame(); // arrived since the large write: maybe more of the flood is coming, held
    expect(t.writes).toHaveLength(1);
    t.frame(); // nothing more came: the output ended, written at once
    expect(t.text()[1]).toBe('xy');
  });

  it('holds a flood batch for up to maxHeldFrames while it grows, then writes it whole', () => {
    const t = harness({ floodBytes: 8, maxWriteBytes: 100, maxHeldFrames: 2 });
    t.push(big(8));
    t.parse();
    t.push(big(10, 0x62));
    t.frame(); // grew: held
    t.push(big(10, 0x63));
    t.frame(); // grew: held
    t.push(big(10, 0x64));
    expect(t.writes).toHaveLength(1);
    t.frame(); // held twice already: written
    expect(t.writes.map((w) => w.byteLength)).toEqual([8, 30]);
    expect(t.text()[1]).toBe('b'.repeat(10) + 'c'.repeat(10) + 'd'.repeat(10));
  });

  it('writes a flood batch without holding once it reaches maxWriteBytes, splitting a chunk and completing it with its last byte', () => {
    const t = harness({ floodBytes: 8, maxWriteBytes: 25, maxHeldFrames: 5 });
    t.push(big(8));
    t.parse();
    for (let i = 0; i < 4; i++) t.push(big(10, 0x30 + i));
    t.frame();
    expect(t.text()[1]).toBe('0'.repeat(10) + '1'.repeat(10) + '2'.repeat(5));
    expect(t.batcher.waitingBytes).toBe(15);
    t.parse();
    expect(t.done).toEqual(['8B', '10B', '10B']);
    t.frame(); // the rest is small: held a frame, as more of the flood may come
    expect(t.writes).toHaveLength(2);
    t.frame(); // nothing more came
    expect(t.text()[2]).toBe('2'.repeat(5) + '3'.repeat(10));
    t.parse();
    expect(t.done).toEqual(['8B', '10B', '10B', '10B', '10B']);
  });

  it('splits a single chunk larger than maxWriteBytes', () => {
    const t = harness({ maxWriteBytes: 4 });
    t.push('abcdefghij');
    t.parse();
    t.frame();
    t.parse();
    t.frame();
    t.parse();
    expect(t.text()).toEqual(['abcd', 'efgh', 'ij']);
    expect(t.done).toEqual(['abcdefghij']);
  });

  it('feeds a hidden tab in small writes at idle time, and in a larger one when idle time never came', () => {
    const t = harness({ hiddenWriteBytes: 4, floodBytes: 1 }, false);
    t.push('abcdefghij');
    t.push('k');
    expect(t.writes).toHaveLength(0);
    t.idle();
    expect(t.text()).toEqual(['abcd']);
    t.parse();
    expect(t.framesWaiting).toBe(0);
    t.idle();
    t.parse();
    expect(t.text()).toEqual(['abcd', 'efgh']);
    t.idle(true); // waited its longest: four times as much at once
    t.parse();
    expect(t.text()).toEqual(['abcd', 'efgh', 'ijk']);
    expect(t.done).toEqual(['abcdefghij', 'k']);
    expect(t.idlesWaiting).toBe(0);
    // Shown again: a quiet tab writes at once, and a flood goes back to frames.
    t.batcher.setShown(true);
    t.push('lm');
    expect(t.text()[3]).toBe('lm');
    t.parse();
    expect(t.framesWaiting).toBe(1);
  });

  it('never has two writes parsing when the tab is hidden and shown while callbacks are pending', () => {
    const t = harness({ hiddenWriteBytes: 2, floodBytes: 1 }, false);
    t.push('abcdef');
    t.batcher.setShown(true);
    t.idle(); // shown meanwhile: full-size write
    expect(t.text()).toEqual(['abcdef']);
    t.push('g');
    t.batcher.setShown(false);
    t.push('h');
    t.parse(); // hidden now: the rest waits for idle time
    expect(t.idlesWaiting).toBe(1);
    t.batcher.setShown(true);
    t.frame();
    t.idle();
    expect(t.parsing).toBe(1);
    t.parse();
    expect(t.text().join('')).toBe('abcdefgh');
  });

  it('keeps a UTF-8 character split across chunks intact in the batch', () => {
    const t = harness();
    const euro = Buffer.from('€'); // e2 82 ac
    t.push('x');
    t.push(euro.subarray(0, 1));
    t.push(euro.subarray(1));
    t.parse();
    t.frame();
    expect(t.text()).toEqual(['x', '€']);
  });

  it('completes each chunk once, only after the write carrying it was parsed (credit follows parsing)', () => {
    const t = harness();
    t.push('a');
    t.push('b');
    t.push('c');
    expect(t.done).toEqual([]);
    t.parse();
    expect(t.done).toEqual(['a']);
    t.frame();
    expect(t.done).toEqual(['a']);
    t.parse();
    expect(t.done).toEqual(['a', 'b', 'c']);
    expect(t.framesWaiting).toBe(0);
  });

  it('writes nothing more once disposed, even when a frame was already due', () => {
    const t = harness();
    t.push('a');
    t.push('b');
    t.parse();
    t.batcher.dispose();
    t.frame();
    t.push('c');
    expect(t.text()).toEqual(['a']);
    expect(t.batcher.waitingBytes).toBe(0);
  });
});
