/**
 * Gradient of softmax, its own rule rather than through the decomposition (fewer nodes, and only
 * the output is saved): dx = y ⊙ (dy − Σ(dy ⊙ y)) along the axis.
 */
import type { GradRule } from './rule.js';

export const softmaxGrad: GradRule<'softmax'> = ({ b, node, output, dy }) => {
  const inner = b.sum(b.mul(dy, output), node.attrs.axis, { keepDims: true });
  return [b.mul(output, b.sub(dy, inner))];
};
