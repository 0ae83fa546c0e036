import { describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { TickCork } from '../../../main/core/ssm/tick-cork';

/** A Writable that records each batch the stream hands down (one _writev call = one syscall on a socket). */
function recorder(highWaterMark = 16 * 1024) {
  const batches: string[][] = [];
  const stream = new Writable({
    highWaterMark,
    writev(chunks, done) {
      batches.push(chunks.map((c) => String(c.chunk)));
      done();
    },
    write(chunk: Buffer, _enc, done) {
      batches.push([String(chunk)]);
      done();
    },
  });
  return { stream, batches };
}

const nextTick = () => new Promise<void>((resolve) => process.nextTick(resolve));

describe('TickCork', () => {
  it('hands every write of one tick down as one batch, in order', async () => {
    const { stream, batches } = recorder();
    const cork = new TickCork();
    for (const word of ['a', 'b', 'c', 'd']) {
      cork.hold(stream);
      stream.write(word);
    }
    expect(batches).toEqual([]);
    await nextTick();
    expect(batches).toEqual([['a', 'b', 'c', 'd']]);
    expect(stream.writableCorked).toBe(0);
  });

  it('starts a fresh batch on the next tick', async () => {
    const { stream, batches } = recorder();
    const cork = new TickCork();
    cork.hold(stream);
    stream.write('1');
    stream.write('2');
    await nextTick();
    cork.hold(stream);
    stream.write('3');
    await nextTick();
    expect(batches).toEqual([['1', '2'], ['3']]);
    expect(stream.writableCorked).toBe(0);
  });

  it('keeps backpressure: write() says stop past the high-water mark, and drain follows the flush', async () => {
    const { stream, batches } = recorder(8);
    const cork = new TickCork();
    cork.hold(stream);
    expect(stream.write('12345')).toBe(true);
    expect(stream.write('67890')).toBe(false);
    expect(stream.writableLength).toBe(10);
    await once(stream, 'drain');
    expect(batches).toEqual([['12345', '67890']]);
    expect(stream.writableLength).toBe(0);
  });

  it('leaves destroyed or missing streams alone', async () => {
    const cork = new TickCork();
    expect(() => cork.hold(undefined)).not.toThrow();
    const { stream } = recorder();
    stream.destroy();
    cork.hold(stream);
    expect(stream.writableCorked).toBe(0);
    await nextTick();
    // The next live stream is still corked: a skipped hold does not leave the cork marked as taken.
    const live = recorder();
    cork.hold(live.stream);
    expect(live.stream.writableCorked).toBe(1);
    await nextTick();
    expect(live.stream.writableCorked).toBe(0);
  });
});
