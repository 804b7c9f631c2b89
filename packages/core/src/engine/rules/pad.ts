/** Gradient of pad: the slice of dy where the input sits (padding values are constants). */
import { type GradRule, at } from './rule.js';

export const padGrad: GradRule<'pad'> = ({ b, node, inputs, dy }) => {
  const x = at(inputs, 0);
  const { before } = node.attrs;
  return [b.slice(dy, before, x.shape.map((d, i) => before[i]! + d))];
};
