/** Gradient of logSoftmax, its own rule: dx = dy − softmax(x)·Σ dy, with softmax(x) = exp(y). */
import type { GradRule } from './rule.js';

export const logSoftmaxGrad: GradRule<'logSoftmax'> = ({ b, node, output, dy }) => {
  const total = b.sum(dy, node.attrs.axis, { keepDims: true });
  return [b.sub(dy, b.mul(b.exp(output), total))];
};
