/** Gradient of transpose: dy transposed by the inverse permutation. */
import type { GradRule } from './rule.js';

export const transposeGrad: GradRule<'transpose'> = ({ b, node, dy }) => {
  const inverse = new Array<number>(node.attrs.perm.length);
  node.attrs.perm.forEach((p, i) => (inverse[p] = i));
  return [b.transpose(dy, inverse)];
};
