import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/fuzz';

describe('frame fuzzing', () => {
  it('100 000 random and mutated frames: only typed errors, no crash, no hang', () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
    const r = runFuzz(100_000, seed);
    expect(r.frames).toBe(100_000);
    // both outcomes must occur, or the mutator is not exercising the decoder
    expect(r.protocolErrors).toBeGreaterThan(1000);
    expect(r.accepted).toBeGreaterThan(1000);
  }, 60_000);
});
