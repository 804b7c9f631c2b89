/**
 * Deterministic shuffling by seed: Fisher–Yates over the engine's seeded PRNG (mulberry32, a 32-bit
 * state advanced by the Weyl constant 0x6D2B79F5 and mixed; engine/seeded-random.ts). The same seed
 * gives the same order on every platform and in every JS engine (integer arithmetic only, one draw
 * per swap). Epoch e of a run uses the stream seeded with `epochSeed(seed, e)`, so epochs differ and
 * any epoch's order is recomputed from (seed, e) alone — what an exact resume needs.
 *
 * Not cryptographic, and not torch's generator: orders will not match a PyTorch DataLoader's.
 */
import { seededRandom } from '../engine/seeded-random.js';

/** A new array with `items` in a seeded random order. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const random = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** 0..n−1 in a seeded random order. */
export function permutation(n: number, seed: number): number[] {
  return shuffled(Array.from({ length: n }, (_, i) => i), seed);
}

/** The seed of epoch `epoch` (0-based): the run's seed mixed with the epoch (golden-ratio step, then a murmur3 finaliser). */
export function epochSeed(seed: number, epoch: number): number {
  let h = (seed ^ Math.imul(epoch + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
