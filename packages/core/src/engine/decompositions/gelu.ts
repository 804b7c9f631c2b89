/**
 * Exact GELU: x·Φ(x) = ½·x·(1 + erf(x/√2)) — GPT-NeoX's "gelu", not the tanh approximation.
 */
import type { Decomposition } from './decomposition.js';
import { input } from './decomposition.js';

export const decomposeGelu: Decomposition<'gelu'> = (b, inputs) => {
  const x = input(inputs, 0);
  const phi = b.add(b.mul(b.erf(b.mul(x, Math.SQRT1_2)), 0.5), 0.5);
  return b.mul(x, phi);
};
