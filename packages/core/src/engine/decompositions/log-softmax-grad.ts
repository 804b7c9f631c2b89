/**
 * logSoftmaxGrad(y, dy) = dy − exp(y)·Σ dy along the axis, y the logSoftmax output (exp(y) is the
 * softmax). The composite the logSoftmax rule emits; not the forward (log-softmax.ts).
 */
import type { Decomposition } from './decomposition.js';
import { input } from './decomposition.js';

export const decomposeLogSoftmaxGrad: Decomposition<'logSoftmaxGrad'> = (b, inputs, { axis }) => {
  const y = input(inputs, 0);
  const dy = input(inputs, 1);
  const total = b.sum(dy, axis, { keepDims: true });
  return b.sub(dy, b.mul(b.exp(y), total));
};
