/**
 * LayerNorm over the last axis, as torch.nn.LayerNorm: x̂ = (x − μ)·rsqrt(σ² + eps) with the biased
 * variance σ² = mean((x − μ)²), then weight·x̂ + bias. Its gradient goes through this decomposition.
 */
import type { Decomposition } from './decomposition.js';
import { input } from './decomposition.js';

export const decomposeLayerNorm: Decomposition<'layerNorm'> = (b, inputs, { eps }) => {
  const x = input(inputs, 0);
  const centred = b.sub(x, b.mean(x, -1, { keepDims: true }));
  const variance = b.mean(b.mul(centred, centred), -1, { keepDims: true });
  const normalised = b.mul(centred, b.rsqrt(b.add(variance, eps)));
  return b.add(b.mul(normalised, input(inputs, 1)), input(inputs, 2));
};
