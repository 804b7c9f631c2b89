/**
 * geluGrad(x, dy) = dy·(Φ(x) + x·φ(x)): the derivative of exact GELU x·Φ(x), φ the standard normal
 * pdf. The backward composite the gelu rule emits; not the forward (gelu.ts).
 */
import type { Decomposition } from './decomposition.js';
import { input } from './decomposition.js';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export const decomposeGeluGrad: Decomposition<'geluGrad'> = (b, inputs) => {
  const x = input(inputs, 0);
  const cdf = b.add(b.mul(b.erf(b.mul(x, Math.SQRT1_2)), 0.5), 0.5);
  const pdf = b.mul(b.exp(b.mul(b.mul(x, x), -0.5)), INV_SQRT_2PI);
  return b.mul(input(inputs, 1), b.add(cdf, b.mul(x, pdf)));
};
