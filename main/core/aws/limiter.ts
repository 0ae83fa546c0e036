/**
 * At most `limit` tasks at once; the rest wait in order. Discovery nests them (global, then per
 * account) so one huge account cannot starve the others and the process never floods a service.
 *
 * `slowStart` opens the limit gradually: it starts there and grows by one with every task that
 * finishes, doubling per round up to `limit`. The first tasks then get the CPU to themselves
 * (first rows on screen sooner) instead of queueing behind hundreds of requests being signed.
 */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly active: number;
  /** The limit right now (below `limit` while slow start is opening it). */
  readonly current: number;
}

export function createLimiter(limit: number, options: { slowStart?: number } = {}): Limiter {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer (got ${limit})`);
  const start = options.slowStart ?? limit;
  if (!Number.isInteger(start) || start < 1) throw new RangeError(`slowStart must be a positive integer (got ${start})`);
  let current = Math.min(start, limit);
  let active = 0;
  const queue: Array<() => void> = [];
  const next = () => {
    active--;
    if (current < limit) current++;
    while (active < current && queue.length) {
      active++;
      queue.shift()!();
    }
  };
  return {
    get active() {
      return active;
    },
    get current() {
      return current;
    },
    async run(task) {
      if (active >= current) await new Promise<void>((resolve) => queue.push(resolve));
      else active++;
      try {
        return await task();
      } finally {
        next();
      }
    },
  };
}
