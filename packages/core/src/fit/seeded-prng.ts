/**
 * The engine's seeded generator (mulberry32) with integers and normals on top, so bootstrap
 * resamples and synthetic test data are identical on every run and platform. Statistical quality is
 * ample for resampling; it is NOT cryptographic.
 */
import { seededRandom } from '../engine/seeded-random.js';

export interface Prng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller; one value per call, the pair's second value is discarded for simplicity). */
  normal(): number;
}

export function seededPrng(seed: number): Prng {
  // The xor decorrelates the streams of small seeds (0, 1, 2 …) from the engine's own uses.
  const next = seededRandom((Math.trunc(seed) ^ 0x9e3779b9) >>> 0);
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      // 1 − u keeps the logarithm's argument in (0, 1].
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}
