/**
 * Gradient of logSoftmax: one logSoftmaxGrad composite on the output; the formula
 * (dx = dy − softmax(x)·Σ dy, softmax(x) = exp(y)) is in decompositions/log-softmax-grad.ts.
 */
import type { GradRule } from './rule.js';

export const logSoftmaxGrad: GradRule<'logSoftmax'> = ({ b, node, output, dy }) => [
  b.node('logSoftmaxGrad', [output, dy], { axis: node.attrs.axis }),
];
