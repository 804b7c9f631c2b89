/** logSoftmax (fused): (x − max) − log Σ exp(x − max) per fibre, in doubles, rounded once. */
import { mapAlongAxis } from '../along-axis.js';
import { type Kernel, arg } from '../kernel.js';

export const logSoftmaxKernel: Kernel<'logSoftmax'> = (inputs, attrs, out) =>
  mapAlongAxis(arg(inputs, 0), attrs.axis, out, (f) => {
    let max = -Infinity;
    for (const v of f) if (v > max) max = v;
    let sum = 0;
    for (const v of f) sum += Math.exp(v - max);
    const logSum = Math.log(sum);
    for (let j = 0; j < f.length; j++) f[j] = f[j]! - max - logSum;
  });
