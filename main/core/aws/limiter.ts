/**
 * At most `limit` tasks at once; the rest wait in order. Discovery nests them (global, then per
 * account) so one huge account cannot starve the others and the process never floods a service.
 */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly active: number;
}

export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer (got ${limit})`);
  let active = 0;
  const queue: Array<() => void> = [];
  const next = () => {
    active--;
    queue.shift()?.();
  };
  return {
    get active() {
      return active;
    },
    async run(task) {
      if (active >= limit) await new Promise<void>((resolve) => queue.push(resolve));
      active++;
      try {
        return await task();
      } finally {
        next();
      }
    },
  };
}
