/** Gradient of slice: dy zero-padded back to the input's shape. */
import { type GradRule, at } from './rule.js';

export const sliceGrad: GradRule<'slice'> = ({ b, node, inputs, dy }) => {
  const x = at(inputs, 0);
  return [b.pad(dy, node.attrs.starts, x.shape.map((d, i) => d - node.attrs.ends[i]!), 0)];
};
