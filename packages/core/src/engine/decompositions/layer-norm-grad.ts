/**
 * layerNormGrad(x, weight, dy): the backward of layerNorm over the last axis, recomputing the
 * statistics from x (μ, r = rsqrt(σ² + eps), x̂ = (x − μ)·r, exactly as layer-norm.ts does):
 *   dbias = Σ_rows dy,   dweight = Σ_rows dy·x̂,   dx = r·(g − mean(g) − x̂·mean(g·x̂)), g = dy·weight,
 * the wanted ones packed (packing.ts). Not the forward, and not the rule that emits it (rules/).
 */
import type { Tensor } from '../builder.js';
import type { Decomposition } from './decomposition.js';
import { input } from './decomposition.js';
import { packGrads } from './packing.js';

export const decomposeLayerNormGrad: Decomposition<'layerNormGrad'> = (b, inputs, { eps, grads }) => {
  const x = input(inputs, 0);
  const weight = input(inputs, 1);
  const dy = input(inputs, 2);
  const rows = x.shape.slice(0, -1).map((_, i) => i);
  const overRows = (t: Tensor) => (rows.length === 0 ? t : b.sum(t, rows));
  const needStats = grads[0] || grads[1];
  let normalised: Tensor | undefined;
  let inv: Tensor | undefined;
  if (needStats) {
    const centred = b.sub(x, b.mean(x, -1, { keepDims: true }));
    const variance = b.mean(b.mul(centred, centred), -1, { keepDims: true });
    inv = b.rsqrt(b.add(variance, eps));
    normalised = b.mul(centred, inv);
  }
  let dx: Tensor | undefined;
  if (grads[0]) {
    const g = b.mul(dy, weight);
    const meanG = b.mean(g, -1, { keepDims: true });
    const meanGx = b.mean(b.mul(g, normalised!), -1, { keepDims: true });
    dx = b.mul(inv!, b.sub(b.sub(g, meanG), b.mul(normalised!, meanGx)));
  }
  const dWeight = grads[1] ? overRows(b.mul(dy, normalised!)) : undefined;
  const dBias = grads[2] ? overRows(dy) : undefined;
  return packGrads(b, [dx, dWeight, dBias], grads);
};
