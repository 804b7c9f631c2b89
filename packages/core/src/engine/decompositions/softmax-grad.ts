/**
 * softmaxGrad(y, dy) = y ⊙ (dy − Σ(dy ⊙ y)) along the axis, y the softmax output: the backward
 * needs only the output, not x. The composite the softmax rule emits; not the forward (softmax.ts).
 */
import type { Decomposition } from './decomposition.js';
import { input } from './decomposition.js';

export const decomposeSoftmaxGrad: Decomposition<'softmaxGrad'> = (b, inputs, { axis }) => {
  const y = input(inputs, 0);
  const dy = input(inputs, 1);
  const inner = b.sum(b.mul(dy, y), axis, { keepDims: true });
  return b.mul(y, b.sub(dy, inner));
};
