/**
 * logSoftmax(x) = (x − m) − log Σ exp(x − m), m = max x along the axis: the log-sum-exp form, stable
 * for the large logits InfoNCE produces at inverse temperature 40. Not the gradient (rules/).
 */
import type { Decomposition } from './decomposition.js';
import { input } from './decomposition.js';

export const decomposeLogSoftmax: Decomposition<'logSoftmax'> = (b, inputs, { axis }) => {
  const x = input(inputs, 0);
  const shifted = b.sub(x, b.max(x, axis, { keepDims: true }));
  return b.sub(shifted, b.log(b.sum(b.exp(shifted), axis, { keepDims: true })));
};
