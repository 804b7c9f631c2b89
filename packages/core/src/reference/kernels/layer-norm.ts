/** layerNorm (fused): (x − μ)/√(σ² + eps)·weight + bias over the last axis, biased σ², in doubles. */
import { mapAlongAxis } from '../along-axis.js';
import { type Kernel, arg } from '../kernel.js';

export const layerNormKernel: Kernel<'layerNorm'> = (inputs, attrs, out) => {
  const x = arg(inputs, 0);
  const weight = arg(inputs, 1).data;
  const bias = arg(inputs, 2).data;
  return mapAlongAxis(x, x.shape.length - 1, out, (f) => {
    let mean = 0;
    for (const v of f) mean += v;
    mean /= f.length;
    let variance = 0;
    for (const v of f) variance += (v - mean) * (v - mean);
    variance /= f.length;
    const inv = 1 / Math.sqrt(variance + attrs.eps);
    for (let j = 0; j < f.length; j++) f[j] = (f[j]! - mean) * inv * weight[j]! + bias[j]!;
  });
};
