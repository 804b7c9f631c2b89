/**
 * layerNormGrad (fused): per row of the last axis, recompute μ, r = 1/√(σ² + eps) and x̂ in doubles,
 * then dx = r·(g − mean g − x̂·mean(g·x̂)) with g = dy·weight, and accumulate dweight += dy·x̂,
 * dbias += dy over rows in doubles; the wanted ones are packed (engine/decompositions/packing.ts),
 * each value rounded once.
 */
import { allocateArray } from '../../engine/dtype.js';
import { sizeOf } from '../../engine/shape.js';
import { type Kernel, arg } from '../kernel.js';

export const layerNormGradKernel: Kernel<'layerNormGrad'> = (inputs, attrs, out) => {
  const x = arg(inputs, 0);
  const weight = arg(inputs, 1).data;
  const dy = arg(inputs, 2).data;
  const c = x.shape[x.shape.length - 1]!;
  const rows = sizeOf(x.shape) / Math.max(c, 1);
  const dx = new Float64Array(rows * c);
  const dWeight = new Float64Array(c);
  const dBias = new Float64Array(c);
  const xhat = new Float64Array(c);
  for (let r = 0; r < rows; r++) {
    const base = r * c;
    let mean = 0;
    for (let j = 0; j < c; j++) mean += x.data[base + j]!;
    mean /= c;
    let variance = 0;
    for (let j = 0; j < c; j++) variance += (x.data[base + j]! - mean) ** 2;
    variance /= c;
    const inv = 1 / Math.sqrt(variance + attrs.eps);
    let meanG = 0;
    let meanGx = 0;
    for (let j = 0; j < c; j++) {
      xhat[j] = (x.data[base + j]! - mean) * inv;
      const g = dy[base + j]! * weight[j]!;
      meanG += g;
      meanGx += g * xhat[j]!;
      dWeight[j]! += dy[base + j]! * xhat[j]!;
      dBias[j]! += dy[base + j]!;
    }
    meanG /= c;
    meanGx /= c;
    for (let j = 0; j < c; j++) dx[base + j] = inv * (dy[base + j]! * weight[j]! - meanG - xhat[j]! * meanGx);
  }
  const result = allocateArray(out.dtype, sizeOf(out.shape));
  let offset = 0;
  for (const [wanted, part] of [[attrs.grads[0], dx], [attrs.grads[1], dWeight], [attrs.grads[2], dBias]] as const) {
    if (!wanted) continue;
    result.set(part, offset);
    offset += part.length;
  }
  return result;
};
