/**
 * softmax(x) = exp(x − max x) / Σ exp(x − max x) along one axis. Subtracting the max keeps exp from
 * overflowing; it does not change the value. Not the gradient (rules/softmax.ts has its own rule).
 */
import type { Decomposition } from './decomposition.js';
import { input } from './decomposition.js';

export const decomposeSoftmax: Decomposition<'softmax'> = (b, inputs, { axis }) => {
  const x = input(inputs, 0);
  const shifted = b.sub(x, b.max(x, axis, { keepDims: true }));
  const e = b.exp(shifted);
  return b.div(e, b.sum(e, axis, { keepDims: true }));
};
