/** softmax (fused): exp(x − max)/Σ exp(x − max) per fibre, in doubles, rounded once. */
import { mapAlongAxis } from '../along-axis.js';
import { type Kernel, arg } from '../kernel.js';

export function softmaxInPlace(f: Float64Array): void {
  let max = -Infinity;
  for (const v of f) if (v > max) max = v;
  let sum = 0;
  for (let j = 0; j < f.length; j++) sum += f[j] = Math.exp(f[j]! - max);
  for (let j = 0; j < f.length; j++) f[j]! /= sum;
}

export const softmaxKernel: Kernel<'softmax'> = (inputs, attrs, out) => mapAlongAxis(arg(inputs, 0), attrs.axis, out, softmaxInPlace);
