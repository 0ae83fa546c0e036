import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../../main/core/aws/limiter';

/** Tasks that finish only when the test says so. */
function gate() {
  const open: Array<() => void> = [];
  const started: number[] = [];
  const task = (n: number) => () =>
    new Promise<number>((resolve) => {
      started.push(n);
      open.push(() => resolve(n));
    });
  const finishOne = async () => {
    open.shift()!();
    // Let the finished task's `finally` run and the next waiter start.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { task, started, finishOne };
}

describe('createLimiter', () => {
  it('runs at most `limit` tasks at once, the rest in order', async () => {
    const g = gate();
    const limiter = createLimiter(2);
    const all = Promise.all([1, 2, 3, 4].map((n) => limiter.run(g.task(n))));
    await Promise.resolve();
    expect(g.started).toEqual([1, 2]);
    await g.finishOne();
    expect(g.started).toEqual([1, 2, 3]);
    expect(limiter.active).toBe(2);
    await g.finishOne();
    await g.finishOne();
    await g.finishOne();
    expect(await all).toEqual([1, 2, 3, 4]);
    expect(limiter.active).toBe(0);
  });

  it('slow start opens by one per finished task up to the limit', async () => {
    const g = gate();
    const limiter = createLimiter(4, { slowStart: 1 });
    const all = Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => limiter.run(g.task(n))));
    await Promise.resolve();
    expect(g.started).toEqual([1]);
    await g.finishOne(); // limit 2: two more start in place of one
    expect(g.started).toEqual([1, 2, 3]);
    await g.finishOne(); // limit 3
    expect(g.started).toEqual([1, 2, 3, 4, 5]);
    await g.finishOne(); // limit 4
    expect(g.started).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(limiter.current).toBe(4);
    expect(limiter.active).toBe(4);
    for (let i = 0; i < 4; i++) await g.finishOne();
    expect(await all).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(limiter.current).toBe(4);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => createLimiter(0)).toThrow(/positive integer/);
    expect(() => createLimiter(2, { slowStart: 0.5 })).toThrow(/slowStart must be a positive integer/);
  });
});
